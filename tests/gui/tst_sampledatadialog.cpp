// Data > Generate Sample Data is one dialog (it was three prompts in a row): the counts and the
// stores together, sane defaults, what they make said before anything runs, and OK refused with
// the reason while the request cannot run.
#include "sampledatadialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

using namespace syncscope;

class TestSampleDataDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void oneDialogWithDefaultsAndReasons();
};

void TestSampleDataDialog::oneDialogWithDefaultsAndReasons() {
    SampleDataDialog dialog(
        {QStringLiteral("SQL"), QStringLiteral("MONGO"), QStringLiteral("HIVE")});
    auto* students = dialog.findChild<QSpinBox*>(QStringLiteral("sampleStudents"));
    auto* courses = dialog.findChild<QSpinBox*>(QStringLiteral("sampleCourses"));
    auto* stores = dialog.findChild<QListWidget*>(QStringLiteral("sampleStores"));
    auto* summary = dialog.findChild<QLabel*>(QStringLiteral("sampleSummary"));
    QPushButton* ok = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    QVERIFY(students && courses && stores && summary && ok);

    // The defaults: a lecture's worth, into every store.
    QCOMPARE(dialog.students(), 1000);
    QCOMPARE(dialog.courses(), 20);
    QCOMPARE(dialog.stores(),
             (QStringList{QStringLiteral("SQL"), QStringLiteral("MONGO"), QStringLiteral("HIVE")}));
    QVERIFY(ok->isEnabled());
    QVERIFY2(summary->text().contains(QStringLiteral("20,000 rows into 3 stores")) ||
                 summary->text().contains(QStringLiteral("20000 rows into 3 stores")),
             qPrintable(summary->text()));

    // Singular where there is one.
    students->setValue(1);
    courses->setValue(1);
    stores->item(1)->setCheckState(Qt::Unchecked);
    stores->item(2)->setCheckState(Qt::Unchecked);
    QCOMPARE(summary->text(), QStringLiteral("1 student × 1 course: 1 row into SQL."));

    // No store: refused, and said why.
    stores->item(0)->setCheckState(Qt::Unchecked);
    QVERIFY(!ok->isEnabled());
    QVERIFY2(summary->text().contains(QStringLiteral("at least one store")),
             qPrintable(summary->text()));
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    QMetaObject::invokeMethod(dialog.findChild<QDialogButtonBox*>(), "accepted");
    QCOMPARE(accepted.count(), 0);

    // More rows than a sample holds: refused with the numbers.
    stores->item(0)->setCheckState(Qt::Checked);
    students->setValue(1'000'000);
    courses->setValue(10);
    QVERIFY(!ok->isEnabled());
    QVERIFY2(summary->text().contains(QStringLiteral("at most")), qPrintable(summary->text()));
    QVERIFY(!dialog.problem().isEmpty());

    courses->setValue(5);
    QVERIFY(ok->isEnabled());
    QVERIFY(dialog.problem().isEmpty());
    ok->click();
    QCOMPARE(accepted.count(), 1);
    QCOMPARE(dialog.students(), 1'000'000);
    QCOMPARE(dialog.courses(), 5);
    QCOMPARE(dialog.stores(), QStringList{QStringLiteral("SQL")});
}

QTEST_MAIN(TestSampleDataDialog)
#include "tst_sampledatadialog.moc"
