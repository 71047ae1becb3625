// The Merge dialog on a preview made here from an engine, with no stores or session: the
// decisions tab offers "Take X's value" for the selected keys only when X holds a write of
// each of them. It and the Property Lab fit a 1280×720 projector at every presentation scale.
#include "manualdecisionmodel.h"
#include "mergedialog.h"
#include "mergeplanner.h"
#include "mergepreview.h"
#include "propertylabdialog.h"
#include "viewzoom.h"

#include <QComboBox>
#include <QLayout>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace syncscope;

class TestMergeDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void takeIsOfferedOnlyFromStoresHoldingTheKey();
    void decisionsTabCountsWhatThePlanStillDecides();
    void fitsTheProjectorAtEveryPresentationScale();
    void propertyLabFitsTheProjectorAtEveryPresentationScale();
};

void TestMergeDialog::takeIsOfferedOnlyFromStoresHoldingTheKey() {
    Catalog catalog;
    Engine engine(catalog);
    for (const char* s : {"SQL", "HIVE", "MONGO"})
        engine.addReplica(s);
    // HIVE and MONGO disagree on S1; SQL has no write of it. All three disagree on S2.
    const KeyId s1 = catalog.internKey("S1", "C1");
    const KeyId s2 = catalog.internKey("S2", "C1");
    engine.set(1, s1, catalog.internValue("A"), 1);
    engine.set(2, s1, catalog.internValue("B"), 2);
    for (size_t r = 0; r < 3; ++r)
        engine.set(r, s2, catalog.internValue(r == 0 ? "C" : r == 1 ? "D" : "E"), int64_t(3 + r));
    MergeRequest request;
    request.fullSync = true;
    request.targets = {0, 1, 2};
    request.strategy = MergeStrategy::Manual;
    const MergePlan plan = planMerge(engine, request);
    QVERIFY(plan.ok());

    MergeDialog dialog({QStringLiteral("SQL"), QStringLiteral("HIVE"), QStringLiteral("MONGO")});
    dialog.setRequest(request, {});
    dialog.showPreview(std::make_shared<const MergePreview>(MergePreview::capture(engine, plan)));
    ManualDecisionModel* decisions = dialog.decisionModel();
    const int first = decisions->rowOf({QStringLiteral("S1"), QStringLiteral("C1")});
    const int second = decisions->rowOf({QStringLiteral("S2"), QStringLiteral("C1")});
    QVERIFY(first >= 0 && second >= 0);
    auto* table = dialog.findChild<QTableView*>(QStringLiteral("mergeDecisions"));
    auto* actions = dialog.findChild<QComboBox*>(QStringLiteral("decisionAction"));
    QVERIFY(table && actions);
    const auto offered = [actions] {
        QStringList items;
        for (int i = 0; i < actions->count(); ++i)
            items << actions->itemText(i);
        return items.join(QLatin1Char('|'));
    };
    const QString takeSql = QStringLiteral("Take SQL's value");
    const QString takeHive = QStringLiteral("Take HIVE's value");
    const QString takeMongo = QStringLiteral("Take MONGO's value");

    table->clearSelection(); // nothing selected: every store that takes part
    QVERIFY2(offered().contains(takeSql) && offered().contains(takeMongo), qPrintable(offered()));
    table->selectRow(first);
    QVERIFY2(!offered().contains(takeSql) && offered().contains(takeHive) &&
                 offered().contains(takeMongo),
             qPrintable(offered()));
    table->selectRow(second); // every store holds S2
    QVERIFY2(offered().contains(takeSql), qPrintable(offered()));
    // Both selected: only the stores holding both.
    table->selectionModel()->select(decisions->index(first, 0),
                                    QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QVERIFY2(!offered().contains(takeSql) && offered().contains(takeHive), qPrintable(offered()));
}

// The Decisions tab's title counts the keys this plan still decides: those that need a decision,
// those decided by hand, and those last-writer-wins writes. Once the merge is applied, the
// targets hold what it gives them: the preview says nothing changes, and the title no longer
// says "Decisions (1)" (the key is listed still, concurrent as before, and can be decided).
void TestMergeDialog::decisionsTabCountsWhatThePlanStillDecides() {
    Catalog catalog;
    Engine engine(catalog);
    for (const char* s : {"SQL", "HIVE", "MONGO"})
        engine.addReplica(s);
    const KeyId s1 = catalog.internKey("S1", "C1");
    engine.set(1, s1, catalog.internValue("A"), 1);
    engine.set(2, s1, catalog.internValue("B"), 2);
    MergeRequest request;
    request.targets = {0};
    request.sources = {1, 2};
    MergeDialog dialog({QStringLiteral("SQL"), QStringLiteral("HIVE"), QStringLiteral("MONGO")});
    dialog.setRequest(request, {});
    auto* tabs = dialog.findChild<QTabWidget*>();
    QVERIFY(tabs);
    const auto preview = [&] {
        const MergePlan plan = planMerge(engine, request);
        dialog.showPreview(
            std::make_shared<const MergePreview>(MergePreview::capture(engine, plan)));
        return plan;
    };
    const MergePlan first = preview();
    QCOMPARE(first.writes.size(), size_t(1));
    QCOMPARE(tabs->tabText(1), QStringLiteral("Decisions (1)"));
    QVERIFY(applyWholePlan(engine, first));
    const MergePlan again = preview();
    QVERIFY(again.writes.empty());
    QCOMPARE(dialog.decisionModel()->rowCount(), 1);
    QCOMPARE(tabs->tabText(1), QStringLiteral("Decisions"));
    // Under Manual the key needs a decision again: counted.
    request.strategy = MergeStrategy::Manual;
    dialog.setRequest(request, {});
    preview();
    QCOMPARE(tabs->tabText(1), QStringLiteral("Decisions (1)"));
}

// On a 1280×720 projector (less a title bar) at every presentation scale the window may take:
// at 125 % the dialog asked for 1443 pixels and was cut at the screen's right edge, Apply and
// Close with it. What does not fit scrolls; the buttons stay in the dialog's own room.
void TestMergeDialog::fitsTheProjectorAtEveryPresentationScale() {
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeMergeFitTest"));
    QSettings().remove(QStringLiteral("view"));
    const QSize room(1270, 680);
    QWidget window;
    ViewZoom zoom;
    zoom.setView(&window);
    const QStringList names{QStringLiteral("SQL"), QStringLiteral("MONGO"), QStringLiteral("HIVE"),
                            QStringLiteral("REDIS"), QStringLiteral("SQLITE")};
    for (int percent : {100, 110, 125, 150, 175, 200}) {
        zoom.setPercent(percent);
        MergeDialog dialog(names);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        // The strategy's verdicts, the widest line, are in.
        QTRY_VERIFY(dialog.propertiesText().contains(QStringLiteral("convergent")));
        dialog.layout()->activate();
        // Nothing scrolls sideways where the projector has the room for it all.
        auto* scroll = dialog.findChild<QScrollArea*>(QStringLiteral("mergeScroll"));
        QVERIFY(scroll);
        const int content = scroll->widget()->minimumSizeHint().width();
        if (percent <= 125)
            QVERIFY2(
                content <= room.width() - 60,
                qPrintable(
                    QStringLiteral("%1 %: its content needs %2 pixels").arg(percent).arg(content)));
        const QSize min = dialog.minimumSizeHint().expandedTo(dialog.minimumSize());
        QVERIFY2(min.width() <= room.width() && min.height() <= room.height(),
                 qPrintable(QStringLiteral("%1 %: the dialog needs %2×%3")
                                .arg(percent)
                                .arg(min.width())
                                .arg(min.height())));
        const QRect screen = dialog.screen()->availableGeometry();
        QVERIFY2(dialog.width() <= screen.width() && dialog.height() <= screen.height(),
                 qPrintable(QStringLiteral("%1 %: %2×%3 on a screen of %4×%5")
                                .arg(percent)
                                .arg(dialog.width())
                                .arg(dialog.height())
                                .arg(screen.width())
                                .arg(screen.height())));
        QVERIFY(dialog.applyButton()->isVisible());
    }
    QSettings().remove(QStringLiteral("view"));
}

// The Property Lab opened at 900×700 whatever the screen: at 150 % on 1280×720 it reached the
// bottom of the screen. It opens within the screen (here the offscreen platform's), and what it
// needs at least fits the projector, its controls scrolling rather than growing it.
void TestMergeDialog::propertyLabFitsTheProjectorAtEveryPresentationScale() {
    QCoreApplication::setOrganizationName(QStringLiteral("SyncscopeLabFitTest"));
    QSettings().remove(QStringLiteral("view"));
    const QSize room(1270, 680);
    QWidget window;
    ViewZoom zoom;
    zoom.setView(&window);
    const QStringList names{QStringLiteral("SQL"), QStringLiteral("MONGO"), QStringLiteral("HIVE"),
                            QStringLiteral("REDIS"), QStringLiteral("SQLITE")};
    for (int percent : {100, 110, 125, 150, 175, 200}) {
        zoom.setPercent(percent);
        PropertyLabDialog dialog(names);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.layout()->activate();
        auto* scroll = dialog.findChild<QScrollArea*>(QStringLiteral("labScroll"));
        QVERIFY(scroll);
        const int content = scroll->widget()->minimumSizeHint().width();
        if (percent <= 125)
            QVERIFY2(
                content <= room.width() - 60,
                qPrintable(
                    QStringLiteral("%1 %: its content needs %2 pixels").arg(percent).arg(content)));
        const QSize min = dialog.minimumSizeHint().expandedTo(dialog.minimumSize());
        QVERIFY2(min.width() <= room.width() && min.height() <= room.height(),
                 qPrintable(QStringLiteral("%1 %: the lab needs %2×%3")
                                .arg(percent)
                                .arg(min.width())
                                .arg(min.height())));
        const QRect screen = dialog.screen()->availableGeometry();
        QVERIFY2(dialog.width() <= screen.width() - 20 && dialog.height() <= screen.height() - 60,
                 qPrintable(QStringLiteral("%1 %: %2×%3 on a screen of %4×%5")
                                .arg(percent)
                                .arg(dialog.width())
                                .arg(dialog.height())
                                .arg(screen.width())
                                .arg(screen.height())));
        QVERIFY(dialog.runButton()->isVisible());
        // At the scales a laptop uses, the controls show whole, with room for the results.
        if (percent <= 110)
            QVERIFY2(scroll->verticalScrollBar()->maximum() == 0 &&
                         scroll->horizontalScrollBar()->maximum() == 0,
                     qPrintable(QStringLiteral("%1 %: the controls scroll").arg(percent)));
    }
    QSettings().remove(QStringLiteral("view"));
}

QTEST_MAIN(TestMergeDialog)
#include "tst_mergedialog.moc"
