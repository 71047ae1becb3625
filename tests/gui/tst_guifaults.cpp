// The window while a server stops answering: a PostgreSQL store reached through a
// proxy (tests/support/faultproxy.h) that goes silent. A write typed then waits for the server:
// the status bar names the store, that it gave no answer within the read timeout, and that it is
// trying again; the UI thread never stalls meanwhile (an event-loop probe, every 5 ms); once
// the network is back the write lands by itself and nothing acknowledged is lost.
#include "faultproxy.h"
#include "guidriver.h"
#include "guihost.h"
#include "labservers.h"
#include "latencyprobe.h"
#include "mainwindow.h"

#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace syncscope;

class TestGuiFaults : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void silentServerKeepsTheWindowResponsive();
};

void TestGuiFaults::silentServerKeepsTheWindowResponsive() {
    QString problem;
    const auto servers = lab::servers(problem);
    QVERIFY2(servers, qPrintable(problem));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    qputenv("SYNCSCOPE_AUDIT_DB", dir.filePath(QStringLiteral("audit.db")).toUtf8());
    QUrl url(lab::freshDatabase(servers->postgres, servers->password, problem));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    lab::FaultProxy proxy;
    QVERIFY(proxy.start(url.port()));
    url.setPort(proxy.port());
    url.setQuery(QStringLiteral("read_timeout=1"));
    qputenv("SYNCSCOPE_PASSWORD_PG", servers->password.toUtf8());

    GuiHost host;
    host.open(
        {{"PG", {}, url.toString().toStdString()},
         {"L",
          {},
          (QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("l.db"))).toStdString()}},
        QStringLiteral("faults"));
    QTRY_VERIFY_WITH_TIMEOUT(host.app() && host.app()->commands(), 5000);
    GuiApp& app = *host.app();
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 20000);
    lab::typeLine(app, QStringLiteral("1, PG.SET((SID1,CSE1),A)"));
    QTRY_COMPARE_WITH_TIMEOUT(lab::panelGrade(app, 0, "SID1", "CSE1"), QStringLiteral("A"), 10000);

    // Silent: the write typed now waits for the server; the status bar says why and that it
    // is trying again. (A GET answers from the engine's state, so a write is what meets it.)
    proxy.setMode(lab::FaultProxy::Mode::Silent);
    bench::LatencyProbe probe;
    probe.start();
    QStringList status; // every message the status bar showed
    connect(app.window()->statusBar(), &QStatusBar::messageChanged, this,
            [&status](const QString& m) { status << m; });
    lab::typeLine(app, QStringLiteral("2, PG.SET((SID2,CSE1),B)"));
    const auto since = [&] { return status.join(QLatin1Char('\n')); };
    QTRY_VERIFY2_WITH_TIMEOUT(since().contains(QStringLiteral("trying again")), qPrintable(since()),
                              30000);
    const QString shown = since().trimmed();
    QVERIFY2(shown.contains(QStringLiteral("PG")) &&
                 shown.contains(QStringLiteral("no answer within")),
             qPrintable(shown));
    QVERIFY(proxy.dropped() > 0);

    // The network is back: the waiting write lands by itself, and nothing was lost.
    proxy.setMode(lab::FaultProxy::Mode::Pass);
    QTRY_VERIFY_WITH_TIMEOUT(since().contains(QStringLiteral("connected again")), 60000);
    QTRY_COMPARE_WITH_TIMEOUT(lab::panelGrade(app, 0, "SID2", "CSE1"), QStringLiteral("B"), 10000);
    QCOMPARE(lab::panelGrade(app, 0, "SID1", "CSE1"), QStringLiteral("A"));
    const double stall = probe.stop();
    QVERIFY2(stall < 100, qPrintable(QString::number(stall)));
    qInfo("fault | window, postgresql | server silent during a write | %s | longest UI stall "
          "%.1f ms",
          qPrintable(since().simplified().left(400)), stall);
}

QTEST_MAIN(TestGuiFaults)
#include "tst_guifaults.moc"
