// A script read in two passes (ScriptStream, what syncscope-cli runs) is the script parsed whole
// (parseScript, what it ran before and what the window still does): on random scripts cut into
// pieces of every size, with errors, comments, CRLF and no final line break, the same errors
// (line, column, message, how many more), the same binding, and run line by line the same oplogs
// and GETs, with and without a clock continued from the stores. A file changed between the
// passes is refused before anything runs; one changed during pass 2 stops before the change. A
// pipe is held whole and read twice from memory.
#include "commandexecutor.h"
#include "scriptbinding.h"
#include "scriptstream.h"
#include "textfiles.h"
#include "textoutput.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>

#include <functional>
#include <limits>
#include <random>
#include <thread>

using namespace syncscope;

class TestScriptStream : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void piecesRunAsTheWholeScript();
    void piecesFindTheWholeScriptsErrors();
    void overflowFromTheStoresClock();
    void refusesAFileChangedBetweenPasses();
    void stopsBeforeAChangeDuringTheRun();
    void aPipeIsHeldWhole();

private:
    QTemporaryDir dir_;
};

namespace {

const char* const kStores[] = {"SQL", "mysql", "HIVE", "MONGO", "mongodb", "REDIS"};

std::string randomLine(std::mt19937& rng) {
    const std::string s = kStores[rng() % 6];
    const std::string key = "SID" + std::to_string(rng() % 30) + ",CSE" + std::to_string(rng() % 4);
    const std::string ts = rng() % 4 ? std::to_string(rng() % 200) + ", " : std::string();
    switch (rng() % 9) {
    case 0:
    case 1:
        return ts + s + ".SET((" + key + ")," + std::string(1, char('A' + rng() % 4)) + ")";
    case 2:
        return ts + s + ".SET((" + key + "),\"q \\\"" + std::to_string(rng() % 3) + "\")";
    case 3:
        return ts + s + ".DELETE(" + key + ")   # gone";
    case 4:
        return ts + s + ".GET(" + key + ")";
    case 5:
        return s + ".MERGE(" + kStores[rng() % 6] + ")";
    case 6:
        return rng() % 2 ? "# a comment, (with) \"quotes\"" : "";
    default:
        return rng() % 2 ? "FULL_SYNC"
                         : "FULL_SYNC(" + s + "," + kStores[rng() % 6] + "," + s + ")";
    }
}

// A line with one mistake somewhere: a parse error, or a store no workspace of the test has.
std::string badLine(std::mt19937& rng) {
    switch (rng() % 5) {
    case 0:
        return "SQL.SET((SID1,CSE1) B)";
    case 1:
        return "12, HIVE.GTE(SID1,CSE1)";
    case 2:
        return "ORACLE.SET((SID1,CSE1),A)";
    case 3:
        return "FULL_SYNC(SQL,CSV)";
    default:
        return "SQL.SET((SID1,CSE1),\"unterminated)";
    }
}

std::string randomScript(std::mt19937& rng, int lines, int badLines) {
    std::string out;
    const std::string eol = rng() % 4 ? "\n" : "\r\n";
    for (int i = 0; i < lines; ++i)
        out +=
            (badLines > 0 && rng() % static_cast<unsigned>(lines) < static_cast<unsigned>(badLines)
                 ? badLine(rng)
                 : randomLine(rng)) +
            eol;
    if (rng() % 2 && !out.empty())
        out.resize(out.size() - eol.size()); // no final line break
    return out;
}

std::vector<std::string> logsOf(const Engine& engine) {
    std::vector<std::string> logs;
    for (size_t r = 0; r < engine.replicaCount(); ++r) {
        std::string text;
        const Replica& rep = engine.replica(r);
        for (size_t i = rep.logBase; i < rep.logEnd(); ++i)
            appendExportLine(text, rep.entryAt(i), engine.catalog());
        logs.push_back(rep.name + ":\n" + text);
    }
    return logs;
}

struct RunResult {
    std::vector<std::string> logs, gets;
};

// Runs commands as syncscope-cli does: an engine of the bound stores, a command at a time.
class Runner {
public:
    explicit Runner(const StoreBinding& binding)
        : engine_(catalog_)
        , executor_(initEngine(engine_, binding), binding.storeOfName) {}
    void run(const Script& script) {
        for (const Command& c : script.commands)
            if (const auto done = executor_.run(script, c); done.get)
                appendExportLine(gets_.emplace_back(), *done.get, catalog_);
    }
    RunResult result() const { return {logsOf(engine_), gets_}; }

private:
    static Engine& initEngine(Engine& e, const StoreBinding& binding) {
        for (const StoreSpec& s : binding.stores)
            e.addReplica(s.name);
        return e;
    }
    Catalog catalog_;
    Engine engine_;
    CommandExecutor executor_;
    std::vector<std::string> gets_;
};

std::string describe(const ErrorList& errors) {
    std::string out;
    for (const ScriptError& e : errors.shown)
        out += std::to_string(e.line) + ":" + std::to_string(e.column) + ": " + e.message + "\n";
    return out + moreErrorsLine(errors.more);
}

} // namespace

void TestScriptStream::piecesRunAsTheWholeScript() {
    QVERIFY(dir_.isValid());
    const QString path = dir_.filePath(QStringLiteral("run.in"));
    std::mt19937 rng(42);
    const size_t pieceSizes[] = {1, 2, 7, 64, 4096, ScriptStream::kPieceBytes};
    for (int round = 0; round < 120; ++round) {
        const std::string text = randomScript(rng, 40 + static_cast<int>(rng() % 300), 0);
        QVERIFY(lab::writeFile(path, QByteArray::fromStdString(text)));
        const std::optional<int64_t> held =
            round % 3 ? std::nullopt : std::optional<int64_t>(static_cast<int64_t>(rng() % 300));

        // The old path: parsed whole, the clock continued from the stores' when they hold any.
        TimestampClock clock{true, held.value_or(0)};
        const Script whole = parseScript("t.in", text, held ? &clock : nullptr);
        QVERIFY(whole.ok());
        StoreBinding binding;
        QVERIFY(bindStores(whole, nullptr, binding).empty());
        Runner old(binding);
        old.run(whole);
        const RunResult expected = old.result();

        const size_t pieceBytes = pieceSizes[round % std::size(pieceSizes)];
        ScriptStream stream(path, pieceBytes);
        QVERIFY2(stream.check(nullptr), qPrintable(stream.readError()));
        QCOMPARE(stream.binding().storeOfName, binding.storeOfName);
        QCOMPARE(stream.binding().stores.size(), binding.stores.size());
        QCOMPARE(stream.overflowLine(held.value_or(0)), 0u);
        // Twice: a run refused as a conflict starts over, reading the file again.
        for (int attempt = 0; attempt < 2; ++attempt) {
            Runner streamed(stream.binding());
            QVERIFY(stream.replay(held, [&](const Script& piece) {
                streamed.run(piece);
                return true;
            }));
            const RunResult got = streamed.result();
            QCOMPARE(got.logs, expected.logs);
            QCOMPARE(got.gets, expected.gets);
        }
    }
}

void TestScriptStream::piecesFindTheWholeScriptsErrors() {
    const QString path = dir_.filePath(QStringLiteral("errors.in"));
    const StoreDirectory workspace({{"SQL", {}, {}}, {"HIVE", {}, {}}, {"MONGO", {}, {}}});
    std::mt19937 rng(7);
    const size_t pieceSizes[] = {1, 3, 16, 100, ScriptStream::kPieceBytes};
    for (int round = 0; round < 150; ++round) {
        const int lines = 20 + static_cast<int>(rng() % 400);
        const std::string text = randomScript(rng, lines, 1 + static_cast<int>(rng() % 40));
        QVERIFY(lab::writeFile(path, QByteArray::fromStdString(text)));
        const StoreDirectory* configured = round % 2 ? &workspace : nullptr;

        const Script whole = parseScript(path.toStdString(), text);
        StoreBinding binding;
        const ErrorList expected = checkScript(whole, configured, binding);

        ScriptStream stream(path, pieceSizes[round % std::size(pieceSizes)]);
        QCOMPARE(stream.check(configured), expected.empty());
        QVERIFY(stream.readError().isEmpty());
        QCOMPARE(describe(stream.errors()), describe(expected));
        QCOMPARE(stream.binding().storeOfName, binding.storeOfName);
        if (!expected.empty())
            QCOMPARE(stream.names().formatError(stream.errors().shown.front()),
                     whole.formatError(expected.shown.front()));
    }
}

void TestScriptStream::overflowFromTheStoresClock() {
    const QString path = dir_.filePath(QStringLiteral("clock.in"));
    std::string text = "SQL.SET((S1,C1),A)\n5, SQL.SET((S1,C1),B)\nSQL.MERGE(HIVE)\n";
    for (int i = 0; i < 50; ++i)
        text += i % 2 ? "HIVE.GET(S1,C1)\n" : "# between\n";
    QVERIFY(lab::writeFile(path, QByteArray::fromStdString(text)));
    ScriptStream stream(path, 8);
    QVERIFY(stream.check(nullptr));
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    for (const int64_t held : {int64_t{0}, int64_t{-5}, std::numeric_limits<int64_t>::min(),
                               kMax - 27, kMax - 26, kMax - 25, kMax - 3, kMax}) {
        TimestampClock clock{true, held};
        const Script whole = parseScript("t.in", text, &clock);
        const uint32_t expected = whole.ok() ? 0 : whole.errors.front().line;
        QCOMPARE(stream.overflowLine(held), expected);
    }
    QCOMPARE(stream.overflowLine(kMax - 26), 0u); // 26 implicit timestamps fit
    QCOMPARE(stream.overflowLine(kMax - 25), 53u);
}

// Pass 1 has checked the file; before pass 2 someone edits it (or saves another over it): the
// run is refused and nothing of it runs.
void TestScriptStream::refusesAFileChangedBetweenPasses() {
    const QString path = dir_.filePath(QStringLiteral("changed.in"));
    const QByteArray original = "SQL.SET((S1,C1),A)\nSQL.GET(S1,C1)\n";
    const std::vector<std::function<bool()>> edits{
        [&] { return lab::writeFile(path, original + "SQL.DELETE(S1,C1)\n"); },       // grew
        [&] { return lab::writeFile(path, "SQL.SET((S1,C1),B)\nSQL.GET(S1,C1)\n"); }, // same size
        [&] { // another file saved over it, as editors do
            const QString other = path + QStringLiteral(".new");
            return lab::writeFile(other, original) &&
                   ::rename(QFile::encodeName(other).constData(),
                            QFile::encodeName(path).constData()) == 0;
        },
        [&] { // the same bytes written again, the times set back: the change time still tells
            struct stat before {};
            if (::stat(QFile::encodeName(path).constData(), &before) != 0)
                return false;
            const timespec times[2] = {before.st_atim, before.st_mtim};
            return lab::writeFile(path, "SQL.SET((S9,C1),A)\nSQL.GET(S1,C1)\n") &&
                   ::utimensat(AT_FDCWD, QFile::encodeName(path).constData(), times, 0) == 0;
        },
    };
    for (size_t i = 0; i < edits.size(); ++i) {
        QVERIFY(lab::writeFile(path, original));
        ScriptStream stream(path);
        QVERIFY(stream.check(nullptr));
        QTest::qWait(20); // a time the edit can differ by, even on a coarse clock
        QVERIFY(edits[i]());
        QVERIFY2(!stream.unchanged(), qPrintable(QString::number(i)));
        int pieces = 0;
        QVERIFY(!stream.replay(std::nullopt, [&](const Script&) { return ++pieces, true; }));
        QCOMPARE(pieces, 0);
        QVERIFY(!stream.ranAny());
        QVERIFY2(stream.readError().contains(QStringLiteral("changed after it was checked")) &&
                     stream.readError().contains(QStringLiteral("nothing ran")),
                 qPrintable(stream.readError()));
    }
}

// The file is rewritten in place while pass 2 runs it: the run stops at the first block that
// differs from what pass 1 checked, and every command it handed over was checked.
void TestScriptStream::stopsBeforeAChangeDuringTheRun() {
    const QString path = dir_.filePath(QStringLiteral("during.in"));
    std::string text;
    for (int i = 1; i <= 100; ++i)
        text += std::to_string(i) + ", SQL.SET((S" + std::to_string(i) + ",C1),A)\n";
    QVERIFY(lab::writeFile(path, QByteArray::fromStdString(text)));
    ScriptStream stream(path, 64);
    QVERIFY(stream.check(nullptr));
    std::vector<uint32_t> ran;
    const bool done = stream.replay(std::nullopt, [&](const Script& piece) {
        if (ran.empty()) { // the rest of the file changes under the run, in place
            QFile f(path);
            if (!f.open(QIODevice::ReadWrite) || !f.seek(static_cast<qint64>(text.size() / 2)) ||
                f.write("9") != 1)
                return false;
        }
        for (const Command& c : piece.commands) {
            ran.push_back(c.line);
            if (c.ts != c.line || piece.view(c.studentId) != "S" + std::to_string(c.line))
                return false; // something ran that pass 1 did not check
        }
        return true;
    });
    QVERIFY(!done);
    QVERIFY(stream.ranAny());
    QVERIFY(!ran.empty());
    QVERIFY(ran.size() < 60);
    QVERIFY2(
        stream.readError().contains(QStringLiteral("changed while it ran: stopped before line ") +
                                    QString::number(ran.back() + 1)),
        qPrintable(stream.readError()));
}

// A pipe cannot be read twice: its text is held, both passes read that, and a run that starts
// over reads it again.
void TestScriptStream::aPipeIsHeldWhole() {
    const QString fifo = dir_.filePath(QStringLiteral("pipe.in"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    std::mt19937 rng(3);
    const std::string text = randomScript(rng, 5000, 0);
    std::thread writer([&] {
        QFile f(fifo);
        if (f.open(QIODevice::WriteOnly))
            f.write(text.data(), static_cast<qint64>(text.size()));
    });
    ScriptStream stream(fifo, 100);
    const bool checked = stream.check(nullptr);
    writer.join();
    QVERIFY2(checked, qPrintable(stream.readError()));
    const Script whole = parseScript("t.in", text);
    StoreBinding binding;
    QVERIFY(bindStores(whole, nullptr, binding).empty());
    Runner old(binding);
    old.run(whole);
    for (int attempt = 0; attempt < 2; ++attempt) {
        QVERIFY(stream.unchanged());
        Runner streamed(stream.binding());
        QVERIFY(stream.replay(std::nullopt, [&](const Script& piece) {
            streamed.run(piece);
            return true;
        }));
        QCOMPARE(streamed.result().logs, old.result().logs);
        QCOMPARE(streamed.result().gets, old.result().gets);
    }
}

QTEST_MAIN(TestScriptStream)
#include "tst_scriptstream.moc"
