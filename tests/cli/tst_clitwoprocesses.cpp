// Two syncscope-cli processes (two OS processes, two connections) writing one store on a real
// server at the same time lose nothing. Both write as the store itself, so both take
// seqs of the same origin: whichever finds its seqs already taken is refused, with its batch
// whole; as nothing of it had landed or been printed, it says so on stderr, reads the store
// again and runs its script again, and both exit 0. In the end every write of both scripts is
// in the store once, each (origin, seq) is held by one oplog entry, and every grade row is its
// key's greatest write in the oplog.
#include "labservers.h"
#include "logrecord.h"
#include "store.h"
#include "storefactory.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <set>

using namespace syncscope;

class TestCliTwoProcesses : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void concurrentRunsLoseNothing_data();
    void concurrentRunsLoseNothing();

private:
    QString writeScript(const QString& name, const QString& student, int count, int tsBase);
    QTemporaryDir dir_;
    std::optional<lab::Servers> servers_;
};

void TestCliTwoProcesses::initTestCase() {
    QVERIFY(dir_.isValid());
    QString problem;
    servers_ = lab::servers(problem);
    QVERIFY2(servers_, qPrintable(problem));
    qputenv("SYNCSCOPE_PASSWORD_SQL", servers_->password.toUtf8());
}

// `count` SETs of keys (student+i, CSE001), then one SET of the key both scripts write.
QString TestCliTwoProcesses::writeScript(const QString& name, const QString& student, int count,
                                         int tsBase) {
    const QString path = dir_.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    for (int i = 0; i < count; ++i)
        f.write(QStringLiteral("%1, SQL.SET((%2%3,CSE001),%4)\n")
                    .arg(tsBase + i)
                    .arg(student)
                    .arg(i)
                    .arg(QChar(u'A' + i % 5))
                    .toUtf8());
    f.write(QStringLiteral("%1, SQL.SET((SHARED,CSE001),%2)\n")
                .arg(tsBase + count)
                .arg(student == QLatin1String("SIDA") ? QStringLiteral("A") : QStringLiteral("B"))
                .toUtf8());
    return path;
}

void TestCliTwoProcesses::concurrentRunsLoseNothing_data() {
    QTest::addColumn<int>("server");
    QTest::newRow("MariaDB") << 0;
    QTest::newRow("PostgreSQL") << 1;
    QTest::newRow("Redis") << 2;
    // One SQLite file shared by two processes: the seq counter is claimed under SQLite's
    // write lock (BEGIN IMMEDIATE).
    QTest::newRow("SQLite file") << 3;
}

void TestCliTwoProcesses::concurrentRunsLoseNothing() {
    QFETCH(int, server);
    QString uri;
    if (server == 3) {
        uri = QStringLiteral("sqlite://") + dir_.filePath(QStringLiteral("shared.db"));
    } else {
        const QString base = server == 0   ? servers_->mariadb
                             : server == 1 ? servers_->postgres
                                           : servers_->redis;
        QString problem;
        uri = lab::freshDatabase(base, servers_->password, problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
    const QString workspace = dir_.filePath(QStringLiteral("ws%1.json").arg(server));
    {
        QFile f(workspace);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            QStringLiteral("{\"stores\":[{\"name\":\"SQL\",\"uri\":\"%1\"}]}").arg(uri).toUtf8());
    }
    // The schema first, so that the two runs meet in their writes rather than in its creation
    // (whose lock lets one of them through well before the other).
    {
        auto schema = StoreFactory::create(QStringLiteral("SQL"), uri, servers_->password);
        QVERIFY(schema);
        QVERIFY(schema.value()->open());
        schema.value()->close();
    }
    // One batch each (fewer lines than a write-behind batch), so a refusal leaves nothing.
    const int count = 4000;
    const QString scripts[2] = {
        writeScript(QStringLiteral("a.in"), QStringLiteral("SIDA"), count, 1),
        writeScript(QStringLiteral("b.in"), QStringLiteral("SIDB"), count, count + 10)};
    auto start = [&](int which) {
        auto* p = new QProcess(this);
        p->setProcessChannelMode(QProcess::SeparateChannels);
        p->start(QStringLiteral(SYNCSCOPE_CLI),
                 {QStringLiteral("run"), scripts[which], QStringLiteral("--workspace"), workspace});
        return p;
    };
    QProcess* runs[2] = {start(0), start(1)};
    int refused = 0;
    for (QProcess* p : runs) {
        QVERIFY(p->waitForFinished(60000));
        const QString err = QString::fromUtf8(p->readAllStandardError());
        QVERIFY2(p->exitCode() == 0, qPrintable(err));
        if (err.isEmpty())
            continue;
        // Refused once or more: each time it said why, and that it ran the script again.
        QVERIFY2(err.contains(QStringLiteral("another client wrote at the same time")) &&
                     err.contains(QStringLiteral("running the script again (attempt 2 of 5)")),
                 qPrintable(err));
        ++refused;
    }
    qInfo("%d of the 2 concurrent runs was refused and ran its script again", refused);

    auto store = StoreFactory::create(QStringLiteral("SQL"), uri, servers_->password);
    QVERIFY(store);
    QVERIFY2(store.value()->open(), "open");
    BatchControl control;
    auto log = store.value()->readOplog(0, 0, control);
    QVERIFY2(log, qPrintable(log ? QString() : log.error().toString()));
    auto grades = store.value()->readGrades({}, 0, control);
    QVERIFY(grades);
    store.value()->close();

    // Every write once; no (origin, seq) twice; every row its key's greatest write.
    std::set<std::pair<std::string, uint64_t>> ids;
    std::map<std::pair<std::string, std::string>, LogRecord> greatest;
    for (const LogRecord& r : log.value()) {
        if (!r.isWrite())
            continue;
        QVERIFY2(ids.insert({r.origin, r.seq}).second, qPrintable(QString::number(r.seq)));
        auto [it, fresh] = greatest.try_emplace({r.studentId, r.courseId}, r);
        if (!fresh && writeLess(it->second, r))
            it->second = r;
    }
    QCOMPARE(static_cast<int>(ids.size()), 2 * (count + 1));
    QCOMPARE(static_cast<int>(grades.value().size()), 2 * count + 1);
    for (const GradeRecord& g : grades.value()) {
        const LogRecord& w = greatest.at({g.studentId, g.courseId});
        QCOMPARE(g.value, w.value);
        QCOMPARE(g.seq, w.seq);
        QCOMPARE(g.ts, w.ts);
    }
    // The shared key: B's write has the greater ts.
    QCOMPARE(greatest.at({"SHARED", "CSE001"}).value, std::string("B"));
}

QTEST_MAIN(TestCliTwoProcesses)
#include "tst_clitwoprocesses.moc"
