// One identity, one write (docs/crash-safety.md): findIdentityClash finds two different writes
// under one identity across the stores a run loads, whichever store holds which and wherever in its
// log, and nothing else: the same write held by several stores, or twice by one, is no clash, nor
// are seed rows (origin CSV), and a tombstone differs from a value.
#include "identityclash.h"
#include "logrecords.h"

#include <QTest>

#include <random>

using namespace syncscope;

class TestIdentityClash : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void plantedClashIsFoundAndNothingElse();
    void tombstoneIsNotTheValue();
};

void TestIdentityClash::plantedClashIsFoundAndNothingElse() {
    std::mt19937 rng(7);
    const std::vector<std::string> names{"A", "B", "C"};
    for (int round = 0; round < 100; ++round) {
        // 60 writes of three origins; each store holds a random subset, some twice.
        std::vector<LogRecord> writes;
        for (int i = 0; i < 60; ++i)
            writes.push_back(setRecord("SID" + std::to_string(i), "C1",
                                       std::string(1, char('A' + i % 5)), i + 1, names[i % 3],
                                       static_cast<uint64_t>(i / 3 + 1)));
        std::vector<std::vector<LogRecord>> logs(3);
        for (size_t s = 0; s < 3; ++s) {
            for (const LogRecord& w : writes)
                if (rng() % 3 != 0)
                    logs[s].push_back(w);
            if (!logs[s].empty() && rng() % 2)
                logs[s].push_back(logs[s][rng() % logs[s].size()]);
            // Seeds of different CSVs under one row number: not identities.
            logs[s].push_back(seedRecord("SID0", "C1", std::to_string(s), 1, {}));
        }
        QVERIFY(!findIdentityClash(logs));
        if (round % 2)
            continue;
        // One store's copy of one write is given another grade.
        const size_t s = rng() % 3;
        if (logs[s].size() < 2)
            continue;
        LogRecord& changed = logs[s][rng() % (logs[s].size() - 1)];
        changed.value = "Z";
        const LogRecord original = changed;
        bool heldElsewhere = false;
        for (size_t t = 0; t < 3; ++t)
            for (const LogRecord& r : logs[t])
                if (&r != &changed && r.origin == changed.origin && r.seq == changed.seq &&
                    r.value != "Z")
                    heldElsewhere = true;
        const std::optional<IdentityClash> clash = findIdentityClash(logs);
        QCOMPARE(clash.has_value(), heldElsewhere);
        if (!clash)
            continue;
        QCOMPARE(clash->first.origin, original.origin);
        QCOMPARE(clash->first.seq, original.seq);
        QVERIFY(clash->first.value == "Z" || clash->second.value == "Z");
        QVERIFY(clash->first.value != clash->second.value);
        const std::string message = clash->message(names);
        QVERIFY2(message.find(original.origin + ':' + std::to_string(original.seq) +
                              " names two writes") == 0,
                 message.c_str());
    }
}

void TestIdentityClash::tombstoneIsNotTheValue() {
    std::vector<std::vector<LogRecord>> logs(2);
    logs[0].push_back(setRecord("S", "C", "A", 5, "A", 1));
    logs[1].push_back(deleteRecord("S", "C", 5, "A", 1));
    const std::optional<IdentityClash> clash = findIdentityClash(logs);
    QVERIFY(clash);
    QCOMPARE(clash->firstStore, size_t{0});
    QCOMPARE(clash->secondStore, size_t{1});
    QVERIFY2(clash->message({"A", "B"}).find("=A at ts 5 in A and (S,C)=deleted at ts 5 in B") !=
                 std::string::npos,
             clash->message({"A", "B"}).c_str());
}

QTEST_APPLESS_MAIN(TestIdentityClash)
#include "tst_identityclash.moc"
