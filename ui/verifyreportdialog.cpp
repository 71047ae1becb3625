#include "verifyreportdialog.h"
#include "counttext.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QVBoxLayout>

namespace syncscope {

VerifyReportDialog::VerifyReportDialog(VerifyReport report, QWidget* parent)
    : QDialog(parent)
    , report_(std::move(report)) {
    setWindowTitle(QStringLiteral("Verify"));
    resize(820, 480);
    auto* summary = new QLabel(this);
    summary->setObjectName(QStringLiteral("verify-summary"));
    const bool bySums = report_.checksums.ranges > 0; // no oplog was read
    summary->setText(
        report_.clean()
            ? (bySums ? QStringLiteral("The stores' checksums agree.")
                      : QStringLiteral("The stores agree with each other and with their oplogs."))
            : QStringLiteral("%1 in %2.")
                  .arg(countOf(static_cast<qint64>(report_.findingCount), "finding"),
                       countOf(static_cast<qint64>(report_.stores.size()), "store")));
    auto* text = new QPlainTextEdit(this);
    text->setObjectName(QStringLiteral("verify-report"));
    text->setReadOnly(true);
    text->setLineWrapMode(QPlainTextEdit::NoWrap);
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    text->setPlainText(QString::fromStdString(report_.text()));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton* save =
        buttons->addButton(QStringLiteral("Save JSON…"), QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(save, &QPushButton::clicked, this, [this] {
        QFileDialog::Options options;
        if (qEnvironmentVariableIsSet("SYNCSCOPE_NON_NATIVE_DIALOGS"))
            options |= QFileDialog::DontUseNativeDialog;
        const QString path = QFileDialog::getSaveFileName(
            this, QStringLiteral("Save the verify report"), QStringLiteral("verify.json"),
            QStringLiteral("JSON (*.json)"), nullptr, options);
        if (path.isEmpty())
            return;
        if (const QString why = saveJson(path); !why.isEmpty())
            QMessageBox::warning(this, QStringLiteral("Save JSON"), why);
    });
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(summary);
    layout->addWidget(text, 1);
    layout->addWidget(buttons);
}

QString VerifyReportDialog::saveJson(const QString& path) const {
    const std::string json = report_.json();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(json.data(), static_cast<qint64>(json.size())) !=
            static_cast<qint64>(json.size()) ||
        !file.commit())
        return path + QStringLiteral(": ") + file.errorString();
    return {};
}

} // namespace syncscope
