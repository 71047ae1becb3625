// The keyboard focus is plain on a projector: a frame in the highlight colour around the focused
// widget (a table, a button, a line edit), following it from widget to widget and as it is
// resized; the main window installs it.
#include "focushalo.h"
#include "mainwindow.h"
#include "storesummarymodel.h"

#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTest>

using namespace syncscope;

class TestFocusHalo : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void framesTheFocusedWidget();
    void theMainWindowInstallsIt();
};

namespace {

// The frame is drawn: its edge in the highlight colour, around the widget.
void checkFramed(QWidget* window, QWidget* focused) {
    FocusHalo* halo = FocusHalo::install();
    QTRY_COMPARE(halo->target(), focused);
    QVERIFY(halo->isVisible());
    QCOMPARE(halo->parentWidget(), window);
    const QRect around(focused->mapTo(window, QPoint(0, 0)), focused->size());
    QCOMPARE(halo->geometry(), around.adjusted(-FocusHalo::kWidth, -FocusHalo::kWidth,
                                               FocusHalo::kWidth, FocusHalo::kWidth));
    const QImage shot = window->grab().toImage();
    const QColor highlight = halo->palette().color(QPalette::Active, QPalette::Highlight);
    const QPoint edge = around.topLeft() + QPoint(around.width() / 2, -2);
    QCOMPARE(shot.pixelColor(edge * window->devicePixelRatio()), highlight);
}

} // namespace

void TestFocusHalo::framesTheFocusedWidget() {
    QWidget window;
    auto* table = new QTableView;
    auto* edit = new QLineEdit;
    auto* button = new QPushButton(QStringLiteral("Step"));
    auto* layout = new QHBoxLayout(&window);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->setSpacing(12);
    layout->addWidget(table);
    layout->addWidget(edit);
    layout->addWidget(button);
    FocusHalo::install();
    window.resize(600, 200);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));

    table->setFocus(Qt::TabFocusReason);
    checkFramed(&window, table);
    edit->setFocus(Qt::TabFocusReason);
    checkFramed(&window, edit);
    button->setFocus(Qt::TabFocusReason);
    checkFramed(&window, button);
    // It follows the widget as the layout changes.
    window.resize(800, 260);
    QTRY_COMPARE(window.size(), QSize(800, 260));
    checkFramed(&window, button);
    button->hide();
    QTRY_VERIFY(!FocusHalo::install()->isVisible() || FocusHalo::install()->target() != button);
}

void TestFocusHalo::theMainWindowInstallsIt() {
    StoreSummaryModel stores;
    MainWindow window(&stores, QStringLiteral("focus"));
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTableView* table = window.storeTable();
    table->parentWidget()->show();
    table->setFocus(Qt::TabFocusReason);
    QTRY_VERIFY(table->hasFocus());
    FocusHalo* halo = FocusHalo::install();
    QTRY_COMPARE(halo->target(), table);
    QCOMPARE(halo->parentWidget(), &window);
    QVERIFY(halo->isVisible());
}

QTEST_MAIN(TestFocusHalo)
#include "tst_focushalo.moc"
