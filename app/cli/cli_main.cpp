// syncscope-cli: the headless front end (docs/cli.md).
#include "cliarguments.h"
#include "followcommand.h"
#include "loadcommand.h"
#include "openfilelimit.h"
#include "runcommand.h"
#include "storefactory.h"
#include "verifycommand.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("syncscope-cli"));
    syncscope::raiseOpenFileLimit();
    const syncscope::CliArguments args = syncscope::CliArguments::parse(app.arguments().mid(1));
    switch (args.action) {
    case syncscope::CliArguments::Action::Help:
        std::fputs(syncscope::CliArguments::usage().toUtf8().constData(), stdout);
        return syncscope::ExitOk;
    case syncscope::CliArguments::Action::Invalid:
        std::fprintf(stderr, "syncscope-cli: %s\n\n%s", args.error.toUtf8().constData(),
                     syncscope::CliArguments::usage().toUtf8().constData());
        return syncscope::ExitUsage;
    default:
        break;
    }
    const int code = [&args] {
        switch (args.action) {
        case syncscope::CliArguments::Action::Load:
            return syncscope::loadWorkspace(args.load, stdout, stderr);
        case syncscope::CliArguments::Action::Follow:
            return syncscope::followWorkspace(args.follow, stdout, stderr);
        case syncscope::CliArguments::Action::Verify:
            return syncscope::verifyWorkspace(args.verify, stdout, stderr);
        default:
            return syncscope::runScript(args.run, stdout, stderr);
        }
    }();
    // Every store is closed by now; nothing of QtSql is left for its exit clean-up to spin on.
    syncscope::StoreFactory::releaseSqlConnections();
    return code;
}
