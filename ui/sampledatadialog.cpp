#include "sampledatadialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace syncscope {

namespace {

QString count(qint64 n, const QString& one, const QString& many) {
    return QStringLiteral("%1 %2").arg(QLocale().toString(n), n == 1 ? one : many);
}

} // namespace

SampleDataDialog::SampleDataDialog(const QStringList& storeNames, QWidget* parent)
    : QDialog(parent)
    , students_(new QSpinBox)
    , courses_(new QSpinBox)
    , stores_(new QListWidget)
    , summary_(new QLabel)
    , buttons_(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel)) {
    setWindowTitle(QStringLiteral("Generate Sample Data"));
    setObjectName(QStringLiteral("sampleDataDialog"));
    students_->setObjectName(QStringLiteral("sampleStudents"));
    students_->setRange(1, 1'000'000);
    students_->setValue(1000);
    students_->setSingleStep(100);
    students_->setGroupSeparatorShown(true);
    courses_->setObjectName(QStringLiteral("sampleCourses"));
    courses_->setRange(1, 999);
    courses_->setValue(20);
    stores_->setObjectName(QStringLiteral("sampleStores"));
    for (const QString& name : storeNames) {
        auto* item = new QListWidgetItem(name, stores_);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
    }
    summary_->setObjectName(QStringLiteral("sampleSummary"));
    summary_->setWordWrap(true);
    buttons_->button(QDialogButtonBox::Ok)->setText(QStringLiteral("&Generate"));

    auto* form = new QFormLayout;
    form->addRow(QStringLiteral("&Students (SID1000…):"), students_);
    form->addRow(QStringLiteral("&Courses per student (CSE001…):"), courses_);
    form->addRow(QStringLiteral("Into the s&tores:"), stores_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(summary_);
    layout->addWidget(buttons_);

    connect(buttons_, &QDialogButtonBox::accepted, this, [this] {
        if (problem().isEmpty())
            accept();
    });
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(students_, &QSpinBox::valueChanged, this, &SampleDataDialog::check);
    connect(courses_, &QSpinBox::valueChanged, this, &SampleDataDialog::check);
    connect(stores_, &QListWidget::itemChanged, this, &SampleDataDialog::check);
    check();
}

int SampleDataDialog::students() const {
    return students_->value();
}

int SampleDataDialog::courses() const {
    return courses_->value();
}

QStringList SampleDataDialog::stores() const {
    QStringList chosen;
    for (int i = 0; i < stores_->count(); ++i)
        if (stores_->item(i)->checkState() == Qt::Checked)
            chosen << stores_->item(i)->text();
    return chosen;
}

QString SampleDataDialog::problem() const {
    if (stores().isEmpty())
        return QStringLiteral("Choose at least one store to import into.");
    const qint64 rows = qint64(students()) * courses();
    if (rows > kMaxRows)
        return QStringLiteral("%1 × %2 would be %3; a sample holds at most %4 (it is made in "
                              "memory first).")
            .arg(count(students(), QStringLiteral("student"), QStringLiteral("students")),
                 count(courses(), QStringLiteral("course"), QStringLiteral("courses")),
                 count(rows, QStringLiteral("row"), QStringLiteral("rows")),
                 QLocale().toString(kMaxRows));
    return {};
}

void SampleDataDialog::check() {
    const QString why = problem();
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
    const qint64 rows = qint64(students()) * courses();
    const qsizetype chosen = stores().size();
    summary_->setText(
        why.isEmpty()
            ? QStringLiteral("%1 × %2: %3 into %4.")
                  .arg(count(students(), QStringLiteral("student"), QStringLiteral("students")),
                       count(courses(), QStringLiteral("course"), QStringLiteral("courses")),
                       count(rows, QStringLiteral("row"), QStringLiteral("rows")),
                       chosen == 1
                           ? stores().front()
                           : count(chosen, QStringLiteral("store"), QStringLiteral("stores")))
            : QStringLiteral("<span style='color:#c62828'>%1</span>").arg(why.toHtmlEscaped()));
}

} // namespace syncscope
