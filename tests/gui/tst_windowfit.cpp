// The window on a lecture-hall projector: for 2 to 6 stores its minimum size fits 1280×720 (and
// so 1366×768 and 1920×1080), with the default docks, after opening a script with a long name,
// and with the workspace label as long as a real data folder makes it.
#include "commandsession.h"
#include "guiapp.h"
#include "mainwindow.h"

#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QLayout>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace syncscope;

class TestWindowFit : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void minimumSizeFitsTheProjector_data();
    void minimumSizeFitsTheProjector();

private:
    QTemporaryDir dir_;
};

namespace {

// What the window may ask for: a maximised window on the projector, less a window manager's
// title bar and frame.
constexpr QSize kRoom(1270, 680);

// The widgets asking for the most room, named, so a failure says what to fix.
QString largest(QWidget* top, int (*extent)(const QSize&)) {
    QList<QPair<int, QString>> found;
    for (QWidget* w : top->findChildren<QWidget*>())
        if (w->isVisible() && extent(w->minimumSizeHint()) > 150)
            found.append({extent(w->minimumSizeHint()),
                          QStringLiteral("%1(%2)").arg(
                              QString::fromLatin1(w->metaObject()->className()), w->objectName())});
    std::sort(found.begin(), found.end(), [](auto& a, auto& b) { return a.first > b.first; });
    QStringList lines;
    for (int i = 0; i < found.size() && i < 12; ++i)
        lines << QStringLiteral("%1 %2").arg(found[i].first).arg(found[i].second);
    return lines.join(QStringLiteral("; "));
}

} // namespace

void TestWindowFit::initTestCase() {
    QVERIFY(dir_.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeFitTest"));
    qputenv("SYNCSCOPE_AUDIT_DB", dir_.filePath(QStringLiteral("audit.db")).toUtf8());
}

void TestWindowFit::minimumSizeFitsTheProjector_data() {
    QTest::addColumn<int>("stores");
    for (int n = 2; n <= 6; ++n)
        QTest::newRow(qPrintable(QStringLiteral("%1 stores").arg(n))) << n;
}

void TestWindowFit::minimumSizeFitsTheProjector() {
    QFETCH(int, stores);
    const char* names[] = {"SQL", "MONGO", "HIVE", "REDIS", "SQLITE", "POSTGRES_REPLICA"};
    std::vector<StoreSpec> specs;
    for (int i = 0; i < stores; ++i)
        specs.push_back(
            {names[i],
             {},
             "sqlite://" +
                 dir_.filePath(
                         QStringLiteral("%1-%2.db").arg(stores).arg(QString::fromLatin1(names[i])))
                     .toStdString()});
    // As long as the default workspace's label gets in a real home folder.
    const QString label =
        QStringLiteral("default workspace (embedded SQLite in /home/a-rather-long-user-name/"
                       ".local/share/Syncscope/Syncscope/stores)");
    GuiApp app(specs, label);
    app.start();
    QVERIFY(QTest::qWaitForWindowExposed(app.window()));
    QTRY_VERIFY_WITH_TIMEOUT(app.commands()->isReady(), 20000);

    const auto check = [&](const char* when) {
        app.window()->layout()->activate();
        const QSize min = app.window()->minimumSizeHint().expandedTo(app.window()->minimumSize());
        QVERIFY2(
            min.width() <= kRoom.width() && min.height() <= kRoom.height(),
            qPrintable(QStringLiteral("%1: minimum %2×%3 on %4 stores; widest: %5; tallest: %6")
                           .arg(QString::fromLatin1(when))
                           .arg(min.width())
                           .arg(min.height())
                           .arg(stores)
                           .arg(largest(app.window(), [](const QSize& s) { return s.width(); }),
                                largest(app.window(), [](const QSize& s) { return s.height(); }))));
    };
    check("first start");

    const QString script = dir_.filePath(
        QStringLiteral("a-testcase-with-a-very-long-name-from-the-course-website-week-07-"
                       "last-writer-wins-and-its-discontents-%1.in")
            .arg(stores));
    QFile file(script);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(names[0]) + ".SET((SID1,CSE1),A)\n" + names[1] + ".MERGE(" + names[0] +
               ")\n");
    file.close();
    QSignalSpy opened(&app, &GuiApp::scriptOpened);
    app.openScript(script);
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
    check("after opening a long-named script");
}

QTEST_MAIN(TestWindowFit)
#include "tst_windowfit.moc"
