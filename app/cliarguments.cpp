#include "cliarguments.h"

namespace syncscope {

namespace {

// The argument at args[i] as an option: "--name=value", or "--name" whose value is the next
// argument (take() then moves `i` past it).
struct OptionArg {
    OptionArg(const QStringList& argsIn, qsizetype& iIn)
        : args(argsIn)
        , i(iIn)
        , name(argsIn[iIn]) {
        const qsizetype eq = name.indexOf(QLatin1Char('='));
        hasInlineValue = name.startsWith(QLatin1String("--")) && eq > 0;
        if (hasInlineValue) {
            value = name.mid(eq + 1);
            name.truncate(eq);
        }
    }
    // The option's value into `into`; false when it has none.
    bool take(QString& into) {
        if (hasInlineValue)
            into = value;
        else if (i + 1 < args.size())
            into = args[++i];
        else
            return false;
        return !into.isEmpty();
    }

    const QStringList& args;
    qsizetype& i;
    QString name;
    QString value;
    bool hasInlineValue = false;
};

} // namespace

QString CliArguments::usage() {
    return QStringLiteral(
        "usage: syncscope-cli run SCRIPT [--workspace FILE] [--seed-csv FILE] [--oplog-dir DIR] "
        "[--dump] [--conflicts FILE]\n"
        "                      [--lab FILE --lab-merge LINE...]\n"
        "       syncscope-cli verify --workspace FILE [--stores A,B,...] [--json FILE]\n"
        "       syncscope-cli load --workspace FILE (--csv FILE | --from STORE) --into A,B,...\n"
        "\n"
        "  run SCRIPT          parse the whole testcase file, then run it against the stores\n"
        "  --workspace FILE    stores from a workspace JSON file (default: one in-memory SQLite\n"
        "                      store per store the script names)\n"
        "  --seed-csv FILE     initial data (student-ID,course-id,...,grade) for every store\n"
        "  --oplog-dir DIR     write oplog.<store>.txt for every store after the run\n"
        "  --dump              print every store's live keys as CSV after the run\n"
        "  --conflicts FILE    write the conflicts between the stores after the run as CSV:\n"
        "                      each key that differs, its bucket (concurrent, fast-forward,\n"
        "                      missing), the write last-writer-wins keeps, the ones it drops\n"
        "                      unseen and why; then the stale reads\n"
        "  --lab FILE          after the run, run the --lab-merge lines in every order under\n"
        "                      each strategy on a copy of the stores' history and write which\n"
        "                      properties held and the end states as JSON (nothing is written\n"
        "                      to the stores)\n"
        "  --lab-merge LINE    one merge for --lab, as a script line: \"SQL.MERGE(HIVE)\" or\n"
        "                      \"FULL_SYNC\" (over every store); up to 6\n"
        "\n"
        "  verify              compare the workspace's stores key by key and each with its own\n"
        "                      oplog: counts per store, keys missing from a store, values that\n"
        "                      differ, duplicate keys, values that break the data rules, rows\n"
        "                      that are not their oplog's greatest write\n"
        "  --stores A,B,...    verify only these stores (names or aliases)\n"
        "  --json FILE         also write the report as JSON\n"
        "\n"
        "  load                bulk load into the --into stores by their batched write paths:\n"
        "                      --csv FILE (student-ID,course-id,...,grade; seed writes, as\n"
        "                      run --seed-csv) or --from STORE (its rows, as the writes they\n"
        "                      hold); writes a store already holds are left out, so a load\n"
        "                      run again completes without writing anything twice\n"
        "\n"
        "exit status: 0 ok, 1 script errors (nothing ran), 2 usage, 3 a store failed,\n"
        "             4 verify found differences\n");
}

CliArguments CliArguments::parse(const QStringList& args) {
    CliArguments a;
    auto invalid = [&a](const QString& message) {
        a.action = Action::Invalid;
        a.error = message;
        return a;
    };
    if (args.isEmpty())
        return invalid(QStringLiteral("missing command"));
    if (args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h") ||
        args.first() == QLatin1String("help")) {
        a.action = Action::Help;
        return a;
    }
    if (args.first() == QLatin1String("verify"))
        return parseVerify(args.mid(1));
    if (args.first() == QLatin1String("load"))
        return parseLoad(args.mid(1));
    if (args.first() != QLatin1String("run"))
        return invalid(QStringLiteral("unknown command '%1'").arg(args.first()));

    a.action = Action::Run;
    for (qsizetype i = 1; i < args.size(); ++i) {
        OptionArg option(args, i);
        const QString& arg = option.name;
        const bool hasInlineValue = option.hasInlineValue;
        const auto takeValue = [&](QString& into) { return option.take(into); };
        if (arg == QLatin1String("--workspace")) {
            if (!takeValue(a.run.workspace))
                return invalid(QStringLiteral("--workspace needs a file"));
        } else if (arg == QLatin1String("--seed-csv")) {
            if (!takeValue(a.run.seedCsv))
                return invalid(QStringLiteral("--seed-csv needs a file"));
        } else if (arg == QLatin1String("--oplog-dir")) {
            if (!takeValue(a.run.oplogDir))
                return invalid(QStringLiteral("--oplog-dir needs a directory"));
        } else if (arg == QLatin1String("--conflicts")) {
            if (!takeValue(a.run.conflicts))
                return invalid(QStringLiteral("--conflicts needs a file"));
        } else if (arg == QLatin1String("--lab")) {
            if (!takeValue(a.run.lab))
                return invalid(QStringLiteral("--lab needs a file"));
        } else if (arg == QLatin1String("--lab-merge")) {
            QString line;
            if (!takeValue(line))
                return invalid(QStringLiteral("--lab-merge needs a script line"));
            a.run.labMerges.push_back(line);
        } else if (arg == QLatin1String("--dump")) {
            if (hasInlineValue)
                return invalid(QStringLiteral("--dump takes no value"));
            a.run.dump = true;
        } else if (arg == QLatin1String("--help") || arg == QLatin1String("-h")) {
            a.action = Action::Help;
            return a;
        } else if (arg.startsWith(QLatin1Char('-')) && arg != QLatin1String("-")) {
            return invalid(QStringLiteral("unknown option '%1'").arg(arg));
        } else if (a.run.script.isEmpty()) {
            a.run.script = arg;
        } else {
            return invalid(
                QStringLiteral("more than one script: '%1' and '%2'").arg(a.run.script, arg));
        }
    }
    if (a.run.script.isEmpty())
        return invalid(QStringLiteral("run needs a SCRIPT"));
    if (a.run.lab.isEmpty() != a.run.labMerges.isEmpty())
        return invalid(QStringLiteral("--lab and --lab-merge go together"));
    return a;
}

CliArguments CliArguments::parseVerify(const QStringList& args) {
    CliArguments a;
    a.action = Action::Verify;
    auto invalid = [&a](const QString& message) {
        a.action = Action::Invalid;
        a.error = message;
        return a;
    };
    for (qsizetype i = 0; i < args.size(); ++i) {
        OptionArg option(args, i);
        const QString& arg = option.name;
        const auto take = [&](QString& into) { return option.take(into); };
        if (arg == QLatin1String("--workspace")) {
            if (!take(a.verify.workspace))
                return invalid(QStringLiteral("--workspace needs a file"));
        } else if (arg == QLatin1String("--json")) {
            if (!take(a.verify.json))
                return invalid(QStringLiteral("--json needs a file"));
        } else if (arg == QLatin1String("--stores")) {
            QString list;
            if (!take(list))
                return invalid(QStringLiteral("--stores needs store names, as SQL,MONGO"));
            for (const QString& name : list.split(QLatin1Char(','), Qt::SkipEmptyParts))
                a.verify.stores << name.trimmed();
        } else if (arg == QLatin1String("--help") || arg == QLatin1String("-h")) {
            a.action = Action::Help;
            return a;
        } else {
            return invalid(QStringLiteral("verify: unknown argument '%1'").arg(arg));
        }
    }
    if (a.verify.workspace.isEmpty())
        return invalid(QStringLiteral("verify needs --workspace FILE"));
    return a;
}

CliArguments CliArguments::parseLoad(const QStringList& args) {
    CliArguments a;
    a.action = Action::Load;
    auto invalid = [&a](const QString& message) {
        a.action = Action::Invalid;
        a.error = message;
        return a;
    };
    for (qsizetype i = 0; i < args.size(); ++i) {
        OptionArg option(args, i);
        const QString& arg = option.name;
        QString* into = arg == QLatin1String("--workspace") ? &a.load.workspace
                        : arg == QLatin1String("--csv")     ? &a.load.csv
                        : arg == QLatin1String("--from")    ? &a.load.from
                                                            : nullptr;
        if (into) {
            if (!option.take(*into))
                return invalid(QStringLiteral("%1 needs a value").arg(arg));
        } else if (arg == QLatin1String("--into")) {
            QString list;
            if (!option.take(list))
                return invalid(QStringLiteral("--into needs store names, as SQL,MONGO"));
            for (const QString& name : list.split(QLatin1Char(','), Qt::SkipEmptyParts))
                a.load.into << name.trimmed();
        } else if (arg == QLatin1String("--help") || arg == QLatin1String("-h")) {
            a.action = Action::Help;
            return a;
        } else {
            return invalid(QStringLiteral("load: unknown argument '%1'").arg(arg));
        }
    }
    if (a.load.workspace.isEmpty())
        return invalid(QStringLiteral("load needs --workspace FILE"));
    if (a.load.csv.isEmpty() == a.load.from.isEmpty())
        return invalid(QStringLiteral("load needs either --csv FILE or --from STORE"));
    if (a.load.into.isEmpty())
        return invalid(QStringLiteral("load needs --into STORES"));
    return a;
}

} // namespace syncscope
