// The audit database: rows chain by hash, Verify names the first row that was edited, removed
// or inserted by hand, an unfinished merge is found, and the exports escape what users typed.
#include "auditlog.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <mutex>
#include <thread>

using namespace syncscope;

namespace {

AuditEntry row(const char* kind, const QString& after = QString()) {
    AuditEntry e;
    e.kind = QString::fromLatin1(kind);
    e.at = QStringLiteral("2026-11-21T10:00:00.000Z");
    e.user = QStringLiteral("teacher");
    e.workspace = QStringLiteral("lab.json");
    e.detail = QStringLiteral("{}");
    if (e.kind == QLatin1String("key")) {
        e.store = QStringLiteral("SQL");
        e.studentId = QStringLiteral("SID1033");
        e.courseId = QStringLiteral("CSE016");
        e.after = after;
        e.winner = QStringLiteral("HIVE");
        e.reason = QStringLiteral("manual");
        e.note = QStringLiteral("<b>\"agreed\", with the student</b>");
    }
    return e;
}

// Runs one statement on the file behind the program's back, as a tamperer would.
void tamper(const QString& path, const QString& sql) {
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("t"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(sql));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("t"));
}

} // namespace

class TestAuditLog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void chainsAndVerifies();
    void hashesKeepTheirFormat();
    void keyRowsAreWrittenAsEntriesWouldBe();
    void appendsFromTwoProcessesFormOneChain();
    void verifyNamesTheTamperedEntry_data();
    void verifyNamesTheTamperedEntry();
    void findsTheUnfinishedMerge();
    void exportsEscapeUserText();
};

void TestAuditLog::chainsAndVerifies() {
    QTemporaryDir dir;
    AuditLog log(dir.filePath(QStringLiteral("audit.db")));
    auto first = log.append({row("merge"), row("key", QStringLiteral("A")), row("key")});
    QVERIFY(first.ok());
    QCOMPARE(first.value()[0].id, int64_t(1));
    QCOMPARE(first.value()[2].mergeId, int64_t(1));
    QCOMPARE(first.value()[0].prevHash, kAuditGenesis);
    QCOMPARE(first.value()[1].prevHash, first.value()[0].hash);
    auto second = log.append({row("end")});
    QVERIFY(second.ok());
    QCOMPARE(second.value()[0].prevHash, first.value()[2].hash);

    auto all = log.read();
    QVERIFY(all.ok());
    QCOMPARE(all.value().size(), size_t(4));
    QVERIFY(all.value()[2].after.isNull()); // absent stays distinct from ""
    QCOMPARE(all.value()[1].after, QStringLiteral("A"));
    auto newest = log.readNewest(2);
    QVERIFY(newest.ok());
    QCOMPARE(newest.value().size(), size_t(2));
    QCOMPARE(newest.value().front().id, int64_t(3));
    auto check = log.verify();
    QVERIFY(check.ok());
    QVERIFY(check.value().ok());
    QCOMPARE(check.value().checked, size_t(4));
}

// The chain's hashes are part of the file format: files written by any release must still
// verify. Each hash is SHA-256 over prev_hash, id, merge_id and the text fields in chain order,
// each followed by 0x1F, a NULL field written as the two bytes 0x00 'N' (so absent differs from
// ""). Worked out here independently of the program's code, and pinned to the values the
// first release wrote.
void TestAuditLog::hashesKeepTheirFormat() {
    QTemporaryDir dir;
    AuditLog log(dir.filePath(QStringLiteral("audit.db")));
    AuditEntry typed = row("key", QStringLiteral("B"));
    typed.note = QStringLiteral("r\u00e9vis\u00e9 \u2014 \U0001F4DD"); // beyond Latin-1 and the BMP
    auto written = log.append({row("merge"), typed, row("key")});
    QVERIFY(written.ok());
    for (const AuditEntry& e : written.value()) {
        QCryptographicHash h(QCryptographicHash::Sha256);
        const auto add = [&h](const QByteArray& bytes) { h.addData(bytes + '\x1f'); };
        add(e.prevHash.toUtf8());
        add(QByteArray::number(e.id));
        add(QByteArray::number(e.mergeId));
        for (const QString* f :
             {&e.kind, &e.at, &e.user, &e.workspace, &e.detail, &e.store, &e.studentId, &e.courseId,
              &e.before, &e.after, &e.winner, &e.reason, &e.note})
            add(f->isNull() ? QByteArray("\0N", 2) : f->toUtf8());
        QCOMPARE(e.hash, QString::fromLatin1(h.result().toHex()));
    }
    const QStringList pinned{
        QStringLiteral("ef9a2a52e2d6f06fff3df5985cbda0e655cd9edd526153b5d6854c4823eaee13"),
        QStringLiteral("98cb8bb428af618a779c5fb5d7e9a388f7996608916b4fdf695777907401ffaf"),
        QStringLiteral("649d3c648f06e1c9bb738246db8d2a99e3b25c1c0a030d0e99ac2df486cfe69b")};
    QCOMPARE(written.value().size(), size_t(3));
    for (size_t i = 0; i < written.value().size(); ++i)
        QCOMPARE(written.value()[i].hash, pinned[static_cast<qsizetype>(i)]);
}

// A merge's key rows go in compact (AuditKeyRows); the file must hold exactly what appending
// the same rows as entries would have written, hashes included, and verify.
void TestAuditLog::keyRowsAreWrittenAsEntriesWouldBe() {
    QTemporaryDir dir;
    AuditLog compact(dir.filePath(QStringLiteral("compact.db")));
    AuditLog entries(dir.filePath(QStringLiteral("entries.db")));
    QVERIFY(compact.append({row("merge")}).ok());
    QVERIFY(entries.append({row("merge")}).ok());
    AuditEntry shared = row("key");
    shared.mergeId = 1;
    AuditKeyRows rows(shared);
    const std::string note = QStringLiteral("r\u00e9vis\u00e9 \U0001F4DD").toStdString();
    // 51 rows: rows are inserted 16 to a statement, the last 3 one by one; each statement's
    // rows must land with their own fields.
    std::vector<std::string> students;
    for (size_t i = 0; i < 51; ++i)
        students.push_back("SID" + std::to_string(i + 1));
    for (size_t i = 0; i < students.size(); ++i) {
        if (i % 3 == 0)
            rows.add({"{\"after_ts\":2}", "SQL", students[i], "CSE1", std::nullopt, "A", "HIVE",
                      "lww", std::nullopt});
        else if (i % 3 == 1)
            rows.add(
                {"{}", "SQL", students[i], "CSE1", "B", std::nullopt, "typed", "manual", note});
        else // "" is not NULL
            rows.add({"{}", "MONGO", students[i], "CSE2", "", "C", "SQL", "lww", ""});
    }
    std::vector<AuditEntry> asEntries;
    for (size_t i = 0; i < rows.size(); ++i)
        asEntries.push_back(rows.entry(i));
    auto written = compact.appendKeyRows(rows);
    QVERIFY(written.ok());
    QCOMPARE(written.value(), size_t(51));
    QVERIFY(entries.append(asEntries).ok());

    auto a = compact.read(), b = entries.read();
    QVERIFY(a.ok() && b.ok());
    QCOMPARE(a.value().size(), size_t(52));
    QCOMPARE(b.value().size(), size_t(52));
    for (size_t i = 1; i < 52; ++i) {
        QCOMPARE(a.value()[i].studentId, QString::fromStdString(students[i - 1]));
        QCOMPARE(a.value()[i].id, static_cast<int64_t>(i + 1));
        QCOMPARE(a.value()[i].prevHash, a.value()[i - 1].hash);
    }
    for (size_t i = 0; i < 52; ++i) {
        const AuditEntry &x = a.value()[i], &y = b.value()[i];
        QCOMPARE(x.id, y.id);
        QCOMPARE(x.mergeId, y.mergeId);
        for (const auto& [f, g] : {std::pair{&x.kind, &y.kind},
                                   {&x.at, &y.at},
                                   {&x.user, &y.user},
                                   {&x.workspace, &y.workspace},
                                   {&x.detail, &y.detail},
                                   {&x.store, &y.store},
                                   {&x.studentId, &y.studentId},
                                   {&x.courseId, &y.courseId},
                                   {&x.before, &y.before},
                                   {&x.after, &y.after},
                                   {&x.winner, &y.winner},
                                   {&x.reason, &y.reason},
                                   {&x.note, &y.note},
                                   {&x.prevHash, &y.prevHash},
                                   {&x.hash, &y.hash}}) {
            QCOMPARE(*f, *g);
            QCOMPARE(f->isNull(), g->isNull());
        }
    }
    QCOMPARE(a.value()[50].note, QString::fromStdString(note));
    QVERIFY(a.value()[49].before.isNull());
    QVERIFY(!a.value()[51].before.isNull() && a.value()[51].before.isEmpty());
    for (AuditLog* log : {&compact, &entries}) {
        auto check = log->verify();
        QVERIFY(check.ok() && check.value().ok());
        QCOMPARE(check.value().checked, size_t(52));
    }
}

// Two programs auditing into one workspace file: the second waits for the first's transaction
// instead of failing, and the rows form one chain.
void TestAuditLog::appendsFromTwoProcessesFormOneChain() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("audit.db"));
    QVERIFY(AuditLog(path).append({row("merge")}).ok()); // the file and its table exist
    const int rounds = 60;
    std::atomic<int> failures{0};
    QString why;
    std::mutex whyLock;
    const auto writer = [&] {
        AuditLog log(path); // its own connections, as another process has
        for (int i = 0; i < rounds; ++i) {
            std::vector<AuditEntry> batch(20, row("key", QStringLiteral("A")));
            for (AuditEntry& e : batch)
                e.mergeId = 1;
            auto r = log.append(std::move(batch));
            if (!r) {
                ++failures;
                const std::lock_guard lock(whyLock);
                why = r.error().toString();
            }
        }
    };
    std::thread first(writer), second(writer);
    first.join();
    second.join();
    QVERIFY2(failures == 0, qPrintable(why));
    auto check = AuditLog(path).verify();
    QVERIFY(check.ok());
    QVERIFY2(check.value().ok(), qPrintable(check.value().problem));
    QCOMPARE(check.value().checked, size_t(1 + 2 * rounds * 20));
}

void TestAuditLog::verifyNamesTheTamperedEntry_data() {
    QTest::addColumn<QString>("sql");
    QTest::addColumn<qint64>("brokenAt");
    QTest::addColumn<QString>("says");
    QTest::newRow("edited value") << QStringLiteral("UPDATE audit SET after = 'A+' WHERE id = 3")
                                  << qint64(3) << QStringLiteral("changed");
    QTest::newRow("absent made empty")
        << QStringLiteral("UPDATE audit SET before = '' WHERE id = 2") << qint64(2)
        << QStringLiteral("changed");
    QTest::newRow("removed") << QStringLiteral("DELETE FROM audit WHERE id = 2") << qint64(2)
                             << QStringLiteral("missing");
    QTest::newRow("rehashed but unlinked")
        << QStringLiteral("UPDATE audit SET prev_hash = hash WHERE id = 4") << qint64(4)
        << QStringLiteral("does not link");
}

void TestAuditLog::verifyNamesTheTamperedEntry() {
    QFETCH(QString, sql);
    QFETCH(qint64, brokenAt);
    QFETCH(QString, says);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("audit.db"));
    AuditLog log(path);
    QVERIFY(
        log.append({row("merge"), row("key", QStringLiteral("A")), row("key", QStringLiteral("B")),
                    row("key", QStringLiteral("C")), row("end")})
            .ok());
    tamper(path, sql);
    auto check = log.verify();
    QVERIFY(check.ok());
    QCOMPARE(check.value().brokenAt, brokenAt);
    QVERIFY2(check.value().problem.contains(says), qPrintable(check.value().problem));
}

void TestAuditLog::findsTheUnfinishedMerge() {
    QTemporaryDir dir;
    AuditLog log(dir.filePath(QStringLiteral("audit.db")));
    QVERIFY(!log.unfinishedMerge().value().has_value()); // an empty (new) file
    QVERIFY(log.append({row("merge"), row("end")}).ok());
    QVERIFY(!log.unfinishedMerge().value().has_value());
    QVERIFY(log.append({row("merge"), row("key", QStringLiteral("A"))}).ok());
    auto open = log.unfinishedMerge();
    QVERIFY(open.ok() && open.value().has_value());
    QCOMPARE(open.value()->id, int64_t(3));
    AuditEntry end = row("end");
    end.mergeId = 3;
    QVERIFY(log.append({end}).ok());
    QVERIFY(!log.unfinishedMerge().value().has_value());
}

void TestAuditLog::exportsEscapeUserText() {
    std::vector<AuditEntry> rows{row("merge"), row("key", QStringLiteral("A,\"x\""))};
    rows[0].id = 1;
    rows[1].id = 2;
    const QByteArray csv = auditToCsv(rows);
    QVERIFY(csv.startsWith("id,merge_id,kind,at,"));
    QVERIFY(csv.contains("\"A,\"\"x\"\"\""));
    const QByteArray html = auditToHtml(rows, QStringLiteral("Audit <lab>"));
    QVERIFY(html.contains("&lt;b&gt;&quot;agreed&quot;"));
    QVERIFY(!html.contains("<b>\"agreed"));
    QVERIFY(html.contains("<title>Audit &lt;lab&gt;</title>"));
    const QJsonArray json = QJsonDocument::fromJson(auditToJson(rows)).array();
    QCOMPARE(json.size(), 2);
    QVERIFY(json[0].toObject().value(QStringLiteral("before")).isNull());
    QCOMPARE(json[1].toObject().value(QStringLiteral("after")).toString(),
             QStringLiteral("A,\"x\""));
}

QTEST_GUILESS_MAIN(TestAuditLog)
#include "tst_auditlog.moc"
