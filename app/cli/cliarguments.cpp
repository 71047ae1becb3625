#include "cliarguments.h"

#include "displayuri.h"

#include <map>

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
        "       syncscope-cli verify --workspace FILE [--stores A,B,...] [--json FILE] "
        "[--checksums | --repair]\n"
        "       syncscope-cli load --workspace FILE (--csv FILE | --from STORE) --into A,B,...\n"
        "       syncscope-cli follow --workspace FILE --from STORE --to A,B,... [--state FILE]\n"
        "                      [--until-caught-up] [--seconds N] [--retry-dead-letters]\n"
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
        "  --checksums         compare the stores by checksums over key-hash ranges, computed\n"
        "                      in the servers where the backend can, and read only the rows\n"
        "                      of ranges that differ (no oplog checks); says how many rows\n"
        "                      were transferred\n"
        "  --repair            write each write a store holds but its origin's oplog lacks\n"
        "                      (ahead-of-origin: left by a crash under an earlier version)\n"
        "                      back into its origin, then verify again; other findings are\n"
        "                      only reported\n"
        "\n"
        "  load                bulk load into the --into stores by their batched write paths:\n"
        "                      --csv FILE (student-ID,course-id,...,grade; seed writes, as\n"
        "                      run --seed-csv) or --from STORE (its rows, as the writes they\n"
        "                      hold); writes a store already holds are left out, so a load\n"
        "                      run again completes without writing anything twice\n"
        "\n"
        "  follow              live replication: every write the --from store's oplog gains\n"
        "                      goes on to the --to stores, each target at its own pace, until\n"
        "                      Ctrl+C; a target that fails is retried with back-off; writes a\n"
        "                      target holds are never written twice; a write a target would\n"
        "                      refuse for its content (a bad id or grade) is set aside in the\n"
        "                      --state file and the follow goes on (exit 5 while any is there)\n"
        "  --state FILE        where the positions are kept between runs (default: next to\n"
        "                      the workspace, WORKSPACE.follow-STORE.json)\n"
        "  --until-caught-up   stop once every target has everything the source has\n"
        "  --seconds N         stop after N seconds\n"
        "  --retry-dead-letters  offer the set-aside writes again first\n"
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
    if (args.first() == QLatin1String("follow"))
        return parseFollow(args.mid(1));
    if (args.first() != QLatin1String("run"))
        return invalid(QStringLiteral("unknown command '%1'").arg(displayUri(args.first())));

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
            return invalid(QStringLiteral("unknown option '%1'").arg(displayUri(arg)));
        } else if (a.run.script.isEmpty()) {
            a.run.script = arg;
        } else {
            return invalid(QStringLiteral("more than one script: '%1' and '%2'")
                               .arg(displayUri(a.run.script), displayUri(arg)));
        }
    }
    if (a.run.script.isEmpty())
        return invalid(QStringLiteral("run needs a SCRIPT"));
    if (a.run.lab.isEmpty() != a.run.labMerges.isEmpty())
        return invalid(QStringLiteral("--lab and --lab-merge go together"));
    return a;
}

namespace {

enum class Parsed { Ok, Help, Invalid };

// A command made of named options only (verify, load, follow): each of `texts` takes a value,
// each of `lists` a comma-separated list of store names, each of `flags` none. `error` says
// what is wrong when Invalid.
Parsed parseNamedOptions(const QString& command, const QStringList& args,
                         const std::map<QString, QString*>& texts,
                         const std::map<QString, QStringList*>& lists, QString& error,
                         const std::map<QString, bool*>& flags = {}) {
    for (qsizetype i = 0; i < args.size(); ++i) {
        OptionArg option(args, i);
        const QString& arg = option.name;
        if (arg == QLatin1String("--help") || arg == QLatin1String("-h"))
            return Parsed::Help;
        if (const auto text = texts.find(arg); text != texts.end()) {
            if (!option.take(*text->second)) {
                error = QStringLiteral("%1 needs a value").arg(arg);
                return Parsed::Invalid;
            }
        } else if (const auto list = lists.find(arg); list != lists.end()) {
            QString names;
            if (!option.take(names)) {
                error = QStringLiteral("%1 needs store names, as SQL,MONGO").arg(arg);
                return Parsed::Invalid;
            }
            for (const QString& name : names.split(QLatin1Char(','), Qt::SkipEmptyParts))
                *list->second << name.trimmed();
        } else if (const auto flag = flags.find(arg);
                   flag != flags.end() && !option.hasInlineValue) {
            *flag->second = true;
        } else {
            error = QStringLiteral("%1: unknown argument '%2'").arg(command, displayUri(arg));
            return Parsed::Invalid;
        }
    }
    return Parsed::Ok;
}

} // namespace

CliArguments CliArguments::parseVerify(const QStringList& args) {
    CliArguments a;
    const Parsed parsed =
        parseNamedOptions(QStringLiteral("verify"), args,
                          {{QStringLiteral("--workspace"), &a.verify.workspace},
                           {QStringLiteral("--json"), &a.verify.json}},
                          {{QStringLiteral("--stores"), &a.verify.stores}}, a.error,
                          {{QStringLiteral("--checksums"), &a.verify.checksums},
                           {QStringLiteral("--repair"), &a.verify.repair}});
    if (parsed == Parsed::Ok && a.verify.workspace.isEmpty())
        a.error = QStringLiteral("verify needs --workspace FILE");
    else if (parsed == Parsed::Ok && a.verify.checksums && a.verify.repair)
        a.error = QStringLiteral("verify --repair reads the oplogs: it cannot go with --checksums");
    a.action = parsed == Parsed::Help ? Action::Help
               : a.error.isEmpty()    ? Action::Verify
                                      : Action::Invalid;
    return a;
}

CliArguments CliArguments::parseLoad(const QStringList& args) {
    CliArguments a;
    const Parsed parsed = parseNamedOptions(QStringLiteral("load"), args,
                                            {{QStringLiteral("--workspace"), &a.load.workspace},
                                             {QStringLiteral("--csv"), &a.load.csv},
                                             {QStringLiteral("--from"), &a.load.from}},
                                            {{QStringLiteral("--into"), &a.load.into}}, a.error);
    if (parsed == Parsed::Ok) {
        if (a.load.workspace.isEmpty())
            a.error = QStringLiteral("load needs --workspace FILE");
        else if (a.load.csv.isEmpty() == a.load.from.isEmpty())
            a.error = QStringLiteral("load needs either --csv FILE or --from STORE");
        else if (a.load.into.isEmpty())
            a.error = QStringLiteral("load needs --into STORES");
    }
    a.action = parsed == Parsed::Help ? Action::Help
               : a.error.isEmpty()    ? Action::Load
                                      : Action::Invalid;
    return a;
}

CliArguments CliArguments::parseFollow(const QStringList& args) {
    CliArguments a;
    QString seconds;
    const Parsed parsed =
        parseNamedOptions(QStringLiteral("follow"), args,
                          {{QStringLiteral("--workspace"), &a.follow.workspace},
                           {QStringLiteral("--from"), &a.follow.from},
                           {QStringLiteral("--state"), &a.follow.state},
                           {QStringLiteral("--seconds"), &seconds}},
                          {{QStringLiteral("--to"), &a.follow.to}}, a.error,
                          {{QStringLiteral("--until-caught-up"), &a.follow.untilCaughtUp},
                           {QStringLiteral("--retry-dead-letters"), &a.follow.retryDeadLetters}});
    if (parsed == Parsed::Ok) {
        bool number = true;
        if (!seconds.isEmpty())
            a.follow.seconds = seconds.toDouble(&number);
        if (a.follow.workspace.isEmpty())
            a.error = QStringLiteral("follow needs --workspace FILE");
        else if (a.follow.from.isEmpty())
            a.error = QStringLiteral("follow needs --from STORE");
        else if (a.follow.to.isEmpty())
            a.error = QStringLiteral("follow needs --to STORES");
        else if (!number || a.follow.seconds < 0)
            a.error = QStringLiteral("--seconds needs a number of seconds, not '%1'")
                          .arg(displayUri(seconds));
    }
    a.action = parsed == Parsed::Help ? Action::Help
               : a.error.isEmpty()    ? Action::Follow
                                      : Action::Invalid;
    return a;
}

} // namespace syncscope
