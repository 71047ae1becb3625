#pragma once

#include "storeverify.h"

#include <QDialog>

namespace syncscope {

// What Data > Verify found: a summary line, the report as text (one line per store, one per
// finding), and Save JSON… for the same report as `syncscope-cli verify --json` writes it.
class VerifyReportDialog : public QDialog {
    Q_OBJECT
public:
    explicit VerifyReportDialog(VerifyReport report, QWidget* parent = nullptr);
    const VerifyReport& report() const { return report_; }
    // Writes the JSON report; why not, or an empty string.
    QString saveJson(const QString& path) const;

private:
    VerifyReport report_;
};

} // namespace syncscope
