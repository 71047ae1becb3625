// The pieces of follow mode that hold no connection: the positions file's JSON and
// its rules for resuming, the identity set that keeps a write from being logged twice, and
// the lag percentiles the CLI and the follow panel report.
#include "followstate.h"
#include "lagsummary.h"
#include "writeidentities.h"

#include <QTest>

using namespace syncscope;

class TestFollowState : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrips();
    void deadLettersKeepEveryByte();
    void resumesOnlyWhereTheStoresAreTheSame();
    void badFilesAreNamed_data();
    void badFilesAreNamed();
    void identitiesAreByOriginAndSeq();
    void lagPercentilesAreNearestRank();
};

void TestFollowState::roundTrips() {
    FollowState s;
    s.source = QStringLiteral("SQL");
    s.sourceLocation = QStringLiteral("mysql://u@h:3306/db");
    s.targets[QStringLiteral("REDIS")] = {QStringLiteral("redis://h:6379"), 123456789012, {}};
    s.targets[QStringLiteral("PG")] = {QStringLiteral("postgresql://u@h/db"), 0, {}};
    QString error;
    const std::optional<FollowState> back = FollowState::fromJson(s.toJson(), error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(back->source, s.source);
    QCOMPARE(back->sourceLocation, s.sourceLocation);
    QCOMPARE(back->targets.size(), size_t(2));
    QCOMPARE(back->targets.at(QStringLiteral("REDIS")).position, int64_t(123456789012));
    QCOMPARE(back->targets.at(QStringLiteral("REDIS")).location, QStringLiteral("redis://h:6379"));
}

// A set-aside write comes back whole, the bytes that set it aside included (a control
// character, bytes that are not UTF-8), so a retry offers exactly the write the source logged.
void TestFollowState::deadLettersKeepEveryByte() {
    FollowState s;
    s.source = QStringLiteral("SQL");
    DeadLetter bad;
    bad.write.kind = EntryKind::Set;
    bad.write.studentId = "S2";
    bad.write.courseId = "C1";
    bad.write.value = std::string("B\x01\xff\xfe", 4);
    bad.write.hasValue = true;
    bad.write.ts = 41;
    bad.write.origin = "SQL";
    bad.write.seq = 17;
    bad.write.wallMs = 1700000000123;
    bad.write.context = "HIVE:3";
    bad.write.position = 99;
    bad.reason = QStringLiteral("value contains a control character at key (S2,C1)");
    bad.atMs = 1700000000999;
    DeadLetter gone;
    gone.write.kind = EntryKind::Delete;
    gone.write.studentId = "SID BAD";
    gone.write.courseId = "C1";
    gone.write.origin = "SQL";
    gone.write.seq = 18;
    gone.reason = QStringLiteral("invalid student id");
    s.targets[QStringLiteral("REDIS")].location = QStringLiteral("redis://h:6379");
    s.targets[QStringLiteral("REDIS")].position = 120;
    s.targets[QStringLiteral("REDIS")].deadLetters = {bad, gone};
    QString error;
    const std::optional<FollowState> back = FollowState::fromJson(s.toJson(), error);
    QVERIFY2(back, qPrintable(error));
    const auto& letters = back->targets.at(QStringLiteral("REDIS")).deadLetters;
    QCOMPARE(letters.size(), size_t(2));
    const LogRecord& w = letters[0].write;
    QCOMPARE(w.value, bad.write.value);
    QVERIFY(w.hasValue);
    QCOMPARE(w.kind, EntryKind::Set);
    QCOMPARE(w.studentId, std::string("S2"));
    QCOMPARE(w.ts, int64_t(41));
    QCOMPARE(w.seq, uint64_t(17));
    QCOMPARE(w.wallMs, int64_t(1700000000123));
    QCOMPARE(w.context, std::string("HIVE:3"));
    QCOMPARE(w.position, int64_t(99));
    QCOMPARE(letters[0].reason, bad.reason);
    QCOMPARE(letters[0].atMs, qint64(1700000000999));
    QCOMPARE(letters[1].write.kind, EntryKind::Delete);
    QVERIFY(!letters[1].write.hasValue);
    QCOMPARE(letters[1].write.studentId, std::string("SID BAD"));
    // For messages, the control character and the stray bytes are spelled out, not printed.
    QVERIFY2(!letters[0].describe().contains(QChar(1)), qPrintable(letters[0].describe()));
    QVERIFY2(letters[0].describe().startsWith(QStringLiteral("SQL:17 SET (S2,C1)")),
             qPrintable(letters[0].describe()));
    // A set-aside write without its key is not a follow state.
    QByteArray broken = s.toJson();
    broken.replace("\"student_id\"", "\"student\"");
    QVERIFY(!FollowState::fromJson(broken, error));
    QVERIFY2(error.contains(QStringLiteral("REDIS")), qPrintable(error));
}

void TestFollowState::resumesOnlyWhereTheStoresAreTheSame() {
    FollowState s;
    s.sourceLocation = QStringLiteral("src");
    s.targets[QStringLiteral("REDIS")] = {QStringLiteral("r1"), 42, {}};
    QCOMPARE(s.resumeAt(QStringLiteral("src"), QStringLiteral("REDIS"), QStringLiteral("r1")),
             int64_t(42));
    // The source pointed elsewhere, the target pointed elsewhere, a target never followed.
    QCOMPARE(s.resumeAt(QStringLiteral("other"), QStringLiteral("REDIS"), QStringLiteral("r1")),
             int64_t(0));
    QCOMPARE(s.resumeAt(QStringLiteral("src"), QStringLiteral("REDIS"), QStringLiteral("r2")),
             int64_t(0));
    QCOMPARE(s.resumeAt(QStringLiteral("src"), QStringLiteral("PG"), QStringLiteral("r1")),
             int64_t(0));
}

void TestFollowState::badFilesAreNamed_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    QTest::newRow("not json") << QByteArray("{\"source\": ")
                              << QStringLiteral("not JSON at offset");
    QTest::newRow("an array") << QByteArray("[1]") << QStringLiteral("not a follow state");
    QTest::newRow("no targets") << QByteArray("{\"source\":\"SQL\"}")
                                << QStringLiteral("not a follow state");
    QTest::newRow("no position")
        << QByteArray("{\"source\":\"SQL\",\"targets\":{\"PG\":{\"location\":\"x\"}}}")
        << QStringLiteral("target PG has no position");
    QTest::newRow("negative position")
        << QByteArray("{\"source\":\"SQL\",\"targets\":{\"PG\":{\"position\":-1}}}")
        << QStringLiteral("target PG has no position");
    // Found by fuzz_workspace: a position past int64 was cast from a double (undefined).
    QTest::newRow("position past int64")
        << QByteArray("{\"source\":\"SQL\",\"targets\":{\"PG\":{\"position\":1" +
                      QByteArray(95, '1') + "}}}")
        << QStringLiteral("target PG has no position");
    QTest::newRow("fractional position")
        << QByteArray("{\"source\":\"SQL\",\"targets\":{\"PG\":{\"position\":1.5}}}")
        << QStringLiteral("target PG has no position");
}

void TestFollowState::badFilesAreNamed() {
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    QString why;
    QVERIFY(!FollowState::fromJson(json, why));
    QVERIFY2(why.startsWith(error), qPrintable(why));
}

void TestFollowState::identitiesAreByOriginAndSeq() {
    WriteIdentities ids;
    LogRecord w;
    w.origin = "SQL";
    w.seq = 7;
    QVERIFY(!ids.contains(w));
    QVERIFY(ids.insert(w));
    QVERIFY(!ids.insert(w)); // once
    QVERIFY(ids.contains(w));
    LogRecord other = w;
    other.origin = "SQLX";
    QVERIFY(!ids.contains(other));
    other = w;
    other.seq = 8;
    QVERIFY(!ids.contains(other));
    LogRecord get = w;
    get.kind = EntryKind::Get;
    get.seq = 9;
    QVERIFY(!ids.insert(get)); // a GET is not a write
    QCOMPARE(ids.size(), size_t(1));
}

void TestFollowState::lagPercentilesAreNearestRank() {
    QCOMPARE(summarizeLags({}).count, int64_t(0));
    std::vector<int64_t> lags;
    for (int64_t i = 100; i >= 1; --i)
        lags.push_back(i); // 1..100, shuffled by order
    const LagSummary s = summarizeLags(lags);
    QCOMPARE(s.count, int64_t(100));
    QCOMPARE(s.p50, int64_t(50));
    QCOMPARE(s.p99, int64_t(99));
    QCOMPARE(s.max, int64_t(100));
    const LagSummary one = summarizeLags({7});
    QCOMPARE(one.p50, int64_t(7));
    QCOMPARE(one.p99, int64_t(7));
}

QTEST_GUILESS_MAIN(TestFollowState)
#include "tst_followstate.moc"
