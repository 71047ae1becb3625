// The compact form syncscope-cli runs a script in (CompactScript) is the script: random scripts
// with every command, quoted values, aliases and FULL_SYNC lists give the same oplogs, entry for
// entry, run line by line from the parsed script (as the window does) and run compact.
#include "commandexecutor.h"
#include "compactscript.h"
#include "scriptbinding.h"
#include "textoutput.h"

#include <QTest>

#include <random>

using namespace syncscope;

class TestCompactScript : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void runsAsTheParsedScript();
};

namespace {

std::string randomScript(std::mt19937& rng, int lines) {
    const char* stores[] = {"SQL", "mysql", "HIVE", "MONGO", "mongodb", "REDIS"};
    std::string out;
    for (int i = 0; i < lines; ++i) {
        const std::string s = stores[rng() % 6];
        const std::string key =
            "SID" + std::to_string(rng() % 30) + ",CSE" + std::to_string(rng() % 4);
        const std::string ts = rng() % 4 ? std::to_string(rng() % 200) + ", " : std::string();
        switch (rng() % 7) {
        case 0:
        case 1:
            out += ts + s + ".SET((" + key + ")," + std::string(1, char('A' + rng() % 4)) + ")\n";
            break;
        case 2:
            out += ts + s + ".SET((" + key + "),\"q \\\"" + std::to_string(rng() % 3) + "\")\n";
            break;
        case 3:
            out += ts + s + ".DELETE(" + key + ")\n";
            break;
        case 4:
            out += ts + s + ".GET(" + key + ")\n";
            break;
        case 5:
            out += s + ".MERGE(" + stores[rng() % 6] + ")\n";
            break;
        default:
            out += rng() % 2 ? "FULL_SYNC\n"
                             : "FULL_SYNC(" + s + "," + stores[rng() % 6] + "," + s + ")\n";
        }
    }
    return out;
}

std::vector<std::string> logsOf(const Engine& engine) {
    std::vector<std::string> logs;
    for (size_t r = 0; r < engine.replicaCount(); ++r) {
        std::string text;
        const Replica& rep = engine.replica(r);
        for (size_t i = rep.logBase; i < rep.logEnd(); ++i)
            appendExportLine(text, rep.entryAt(i), engine.catalog());
        logs.push_back(text);
    }
    return logs;
}

} // namespace

void TestCompactScript::runsAsTheParsedScript() {
    std::mt19937 rng(42);
    for (int round = 0; round < 100; ++round) {
        const Script script =
            parseScript("t.in", randomScript(rng, 40 + static_cast<int>(rng() % 200)));
        QVERIFY(script.ok());
        StoreBinding binding;
        QVERIFY(bindStores(script, nullptr, binding).empty());

        Catalog lineCatalog;
        Engine lineByLine(lineCatalog);
        for (const StoreSpec& s : binding.stores)
            lineByLine.addReplica(s.name);
        CommandExecutor lines(lineByLine, binding.storeOfName);
        std::vector<std::string> lineGets;
        for (const Command& c : script.commands)
            if (const auto done = lines.run(script, c); done.get)
                appendExportLine(lineGets.emplace_back(), *done.get, lineCatalog);

        const CompactScript compact(script, binding.storeOfName);
        Catalog compactCatalog;
        Engine compactRun(compactCatalog);
        for (const StoreSpec& s : binding.stores)
            compactRun.addReplica(s.name);
        CommandExecutor steps(compactRun, binding.storeOfName);
        std::vector<std::string> compactGets;
        CompactScript::Resolver resolve(compact, compactCatalog);
        for (const CompactScript::Step& step : compact.steps()) {
            if (const auto done = steps.run(resolve(step)); done.get)
                appendExportLine(compactGets.emplace_back(), *done.get, compactCatalog);
        }
        QCOMPARE(logsOf(compactRun), logsOf(lineByLine));
        QCOMPARE(compactGets, lineGets);
    }
}

QTEST_APPLESS_MAIN(TestCompactScript)
#include "tst_compactscript.moc"
