#pragma once

#include <QWidget>

class QComboBox;
class QLineEdit;
class QPushButton;

namespace syncscope {

// The command bar's form mode: store, student, course and grade fields with Set, Get and
// Delete buttons. A button writes the script line it stands for (the grade quoted when it
// must be) and submits it like a typed one, so both paths run the same code.
class CommandForm : public QWidget {
    Q_OBJECT
public:
    explicit CommandForm(QWidget* parent = nullptr);

    void setStoreNames(const QStringList& names);
    // The line a button would submit now (empty when a field is missing).
    QString lineFor(const QString& operation) const;

    QComboBox* storeBox() const { return store_; }
    QLineEdit* studentEdit() const { return student_; }
    QLineEdit* courseEdit() const { return course_; }
    QLineEdit* gradeEdit() const { return grade_; }

Q_SIGNALS:
    void submitted(const QString& line);

private:
    QComboBox* store_ = nullptr;
    QLineEdit* student_ = nullptr;
    QLineEdit* course_ = nullptr;
    QLineEdit* grade_ = nullptr;
};

} // namespace syncscope
