#include "commandform.h"

#include "identifiers.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QStringListModel>

namespace syncscope {

CommandForm::CommandForm(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("command-form"));
    store_ = new QComboBox(this);
    store_->setObjectName(QStringLiteral("form-store"));
    auto idField = [this](const QString& name, const QString& hint) {
        auto* edit = new QLineEdit(this);
        edit->setObjectName(name);
        edit->setPlaceholderText(hint);
        // Identifiers as docs/script-language.md has them; anything else cannot even be typed.
        edit->setValidator(new QRegularExpressionValidator(
            QRegularExpression(QStringLiteral("[A-Za-z0-9_.-]{0,64}")), edit));
        return edit;
    };
    student_ = idField(QStringLiteral("form-student"), QStringLiteral("student, e.g. SID1033"));
    course_ = idField(QStringLiteral("form-course"), QStringLiteral("course, e.g. CSE016"));
    grade_ = new QLineEdit(this);
    grade_->setObjectName(QStringLiteral("form-grade"));
    grade_->setPlaceholderText(QStringLiteral("grade (for Set)"));
    grade_->setMaxLength(64);

    studentCompleter_ = popupFor(student_, students_);
    courseCompleter_ = popupFor(course_, courses_);
    connect(student_, &QLineEdit::textEdited, this, &CommandForm::completeStudent);
    connect(course_, &QLineEdit::textEdited, this, &CommandForm::completeCourse);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addWidget(new QLabel(QStringLiteral("Store"), this));
    layout->addWidget(store_);
    layout->addWidget(student_, 2);
    layout->addWidget(course_, 2);
    layout->addWidget(grade_, 1);
    for (const QString& op :
         {QStringLiteral("Set"), QStringLiteral("Get"), QStringLiteral("Delete")}) {
        auto* button = new QPushButton(op, this);
        button->setObjectName(QStringLiteral("form-") + op.toLower());
        layout->addWidget(button);
        connect(button, &QPushButton::clicked, this, [this, op] {
            const QString line = lineFor(op.toUpper());
            if (!line.isEmpty())
                Q_EMIT submitted(line);
        });
    }
}

QCompleter* CommandForm::popupFor(QLineEdit* edit, QStringListModel*& words) {
    words = new QStringListModel(this);
    auto* completer = new QCompleter(words, this);
    completer->setWidget(edit);
    completer->setCompletionMode(QCompleter::UnfilteredPopupCompletion);
    connect(completer, qOverload<const QString&>(&QCompleter::activated), edit,
            &QLineEdit::setText);
    return completer;
}

namespace {
void offer(QCompleter* completer, QStringListModel* words, const QStringList& list) {
    words->setStringList(list);
    if (list.isEmpty()) {
        completer->popup()->hide();
        return;
    }
    completer->setCompletionPrefix(QString());
    completer->complete();
}
} // namespace

void CommandForm::completeStudent(const QString& prefix) {
    QStringList list;
    if (keys_ && !prefix.isEmpty())
        for (const auto& [sid, cid] : keys_(store_->currentText(), prefix))
            if (const QString s = QString::fromStdString(sid); !list.contains(s))
                list << s;
    offer(studentCompleter_, students_, list);
}

void CommandForm::completeCourse(const QString& prefix) {
    const QString student = student_->text().trimmed();
    QStringList list;
    if (keys_ && !student.isEmpty())
        for (const auto& [sid, cid] : keys_(store_->currentText(), student)) {
            const QString c = QString::fromStdString(cid);
            if (QString::fromStdString(sid) == student && c.startsWith(prefix))
                list << c;
        }
    offer(courseCompleter_, courses_, list);
}

void CommandForm::setStoreNames(const QStringList& names) {
    store_->clear();
    store_->addItems(names);
}

QString CommandForm::lineFor(const QString& operation) const {
    const QString store = store_->currentText();
    const QString sid = student_->text().trimmed();
    const QString cid = course_->text().trimmed();
    if (store.isEmpty() || sid.isEmpty() || cid.isEmpty())
        return {};
    if (operation == QLatin1String("SET")) {
        if (grade_->text().isEmpty())
            return {};
        const std::string literal = scriptLiteral(grade_->text().toStdString());
        return QStringLiteral("%1.SET((%2,%3),%4)")
            .arg(store, sid, cid, QString::fromStdString(literal));
    }
    return QStringLiteral("%1.%2(%3,%4)").arg(store, operation, sid, cid);
}

} // namespace syncscope
