#pragma once

#include <QDialog>
#include <QStringList>

class QDialogButtonBox;
class QLabel;
class QListWidget;
class QSpinBox;

namespace syncscope {

// Data > Generate Sample Data in one dialog: how many students, how many courses each, into
// which stores, with what that makes said before anything runs. OK stays disabled, with the
// reason beside it, while the request cannot be run (no store chosen, more rows than a
// sample holds).
class SampleDataDialog : public QDialog {
    Q_OBJECT
public:
    // A sample is generated whole in memory before it is imported.
    static constexpr qint64 kMaxRows = 5'000'000;

    explicit SampleDataDialog(const QStringList& storeNames, QWidget* parent = nullptr);

    int students() const;
    int courses() const;
    QStringList stores() const;
    // Empty when OK may be pressed.
    QString problem() const;

private:
    void check();

    QSpinBox* students_;
    QSpinBox* courses_;
    QListWidget* stores_;
    QLabel* summary_;
    QDialogButtonBox* buttons_;
};

} // namespace syncscope
