#pragma once

#include <QWidget>

#include <functional>
#include <string>
#include <utility>
#include <vector>

class QComboBox;
class QCompleter;
class QStringListModel;
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
    // Where the student and course fields' completions come from: the keys of `store` whose
    // student id starts with the prefix (CommandBar::KeySource).
    using KeySource = std::function<std::vector<std::pair<std::string, std::string>>(
        const QString& store, const QString& studentPrefix)>;
    void setKeySource(KeySource source) { keys_ = std::move(source); }
    QCompleter* studentCompleter() const { return studentCompleter_; }
    QCompleter* courseCompleter() const { return courseCompleter_; }
    // The line a button would submit now (empty when a field is missing).
    QString lineFor(const QString& operation) const;

    QComboBox* storeBox() const { return store_; }
    QLineEdit* studentEdit() const { return student_; }
    QLineEdit* courseEdit() const { return course_; }
    QLineEdit* gradeEdit() const { return grade_; }

Q_SIGNALS:
    void submitted(const QString& line);

private:
    // A popup of the store's students from what is typed; of the typed student's courses.
    void completeStudent(const QString& prefix);
    void completeCourse(const QString& prefix);
    QCompleter* popupFor(QLineEdit* edit, QStringListModel*& words);

    KeySource keys_;
    QCompleter* studentCompleter_ = nullptr;
    QCompleter* courseCompleter_ = nullptr;
    QStringListModel* students_ = nullptr;
    QStringListModel* courses_ = nullptr;
    QComboBox* store_ = nullptr;
    QLineEdit* student_ = nullptr;
    QLineEdit* course_ = nullptr;
    QLineEdit* grade_ = nullptr;
};

} // namespace syncscope
