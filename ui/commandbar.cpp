#include "commandbar.h"

#include "elidedlabel.h"

#include "commandform.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLineEdit>
#include <QRegularExpression>
#include <QStringListModel>
#include <QToolButton>
#include <QVBoxLayout>

namespace syncscope {

namespace {
constexpr qsizetype kLineStates = 200;
} // namespace

CommandBar::CommandBar(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("command-bar"));
    edit_ = new QLineEdit(this);
    edit_->setObjectName(QStringLiteral("command-line"));
    hint_ = QStringLiteral("Type a command and press Enter, e.g. SQL.SET((SID1033,CSE016),A) · "
                           "HIVE.GET(SID1033,CSE016) · HIVE.MERGE(SQL) · FULL_SYNC");
    edit_->setPlaceholderText(hint_);
    edit_->setClearButtonEnabled(true);
    edit_->installEventFilter(this);
    // One line, elided: a long message must not widen the window past the screen (the whole of
    // it is in the tooltip and in the console).
    error_ = new ElidedLabel(QString(), this, Qt::ElideRight);
    error_->setObjectName(QStringLiteral("command-error"));
    error_->setStyleSheet(QStringLiteral("color: #c53030;"));
    error_->hide();
    words_ = new QStringListModel(this);
    completer_ = new QCompleter(words_, this);
    completer_->setCaseSensitivity(Qt::CaseInsensitive);
    completer_->setCompletionMode(QCompleter::InlineCompletion);
    edit_->setCompleter(completer_);

    form_ = new CommandForm(this);
    form_->hide();
    formToggle_ = new QToolButton(this);
    formToggle_->setObjectName(QStringLiteral("form-toggle"));
    formToggle_->setText(QStringLiteral("Form"));
    formToggle_->setToolTip(QStringLiteral("Fields and buttons instead of a script line"));
    formToggle_->setCheckable(true);
    connect(formToggle_, &QToolButton::toggled, form_, &QWidget::setVisible);
    connect(form_, &CommandForm::submitted, this, [this](const QString& line) {
        edit_->setText(line); // shown, kept in the history, errors point into it
        Q_EMIT submitted(line);
    });

    auto* row = new QHBoxLayout;
    row->addWidget(edit_, 1);
    row->addWidget(formToggle_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->setSpacing(2);
    layout->addLayout(row);
    layout->addWidget(form_);
    layout->addWidget(error_);

    connect(edit_, &QLineEdit::returnPressed, this, [this] {
        const QString line = edit_->text().trimmed();
        if (!line.isEmpty())
            Q_EMIT submitted(line);
    });
    connect(edit_, &QLineEdit::textEdited, error_, &QWidget::hide);
    connect(edit_, &QLineEdit::textChanged, this, [this](const QString& text) {
        if (!steppingLine_) {
            // A completion typed over goes back to what was typed, not to the completion.
            if (!lineNowCompleted_)
                lineBack_ << lineNow_;
            if (lineBack_.size() > kLineStates)
                lineBack_.removeFirst();
            lineForth_.clear();
        }
        lineNowCompleted_ = !completion_.isEmpty() && isCompletion(text);
        completion_.clear();
        lineNow_ = text;
    });
    // The completion comes before or after the line edit's own slot puts it in the line.
    connect(completer_, qOverload<const QString&>(&QCompleter::highlighted), this,
            [this](const QString& completion) {
                completion_ = completion;
                if (isCompletion(lineNow_)) {
                    lineNowCompleted_ = true;
                    completion_.clear();
                }
            });
    // Keys complete in a popup once the line reaches a key: "SQL.GET(SID10" offers the store's
    // keys from SID10 on; the name completer above handles the start of the line.
    keyWords_ = new QStringListModel(this);
    keyCompleter_ = new QCompleter(keyWords_, this);
    keyCompleter_->setWidget(edit_);
    keyCompleter_->setCompletionMode(QCompleter::UnfilteredPopupCompletion);
    connect(keyCompleter_, qOverload<const QString&>(&QCompleter::activated), edit_,
            &QLineEdit::setText);
    connect(edit_, &QLineEdit::textEdited, this, &CommandBar::completeKeys);
}

void CommandBar::setStoreNames(const QStringList& names) {
    QStringList words;
    for (const QString& n : names)
        for (const char* op : {".SET((", ".GET(", ".DELETE(", ".MERGE("})
            words << n + QLatin1String(op);
    words << QStringLiteral("FULL_SYNC");
    words_->setStringList(words);
    form_->setStoreNames(names);
}

void CommandBar::setKeySource(KeySource source) {
    form_->setKeySource(source);
    keys_ = std::move(source);
}

void CommandBar::completeKeys(const QString& text) {
    static const QRegularExpression atKey(
        QStringLiteral("^\\s*(?:[-+]?\\d+\\s*,\\s*)?([A-Za-z][A-Za-z0-9_]*)\\s*\\.\\s*"
                       "(GET|DELETE|SET)\\s*\\(\\s*(\\(?)\\s*([A-Za-z0-9_.-]*)$"),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = atKey.match(text);
    if (!keys_ || !m.hasMatch()) {
        keyCompleter_->popup()->hide();
        return;
    }
    const bool set = m.captured(2).compare(QLatin1String("SET"), Qt::CaseInsensitive) == 0;
    const QString head = text.left(m.capturedStart(4));
    QStringList lines;
    for (const auto& [sid, cid] : keys_(m.captured(1).toUpper(), m.captured(4)))
        lines << head + QString::fromStdString(sid) + QLatin1Char(',') +
                     QString::fromStdString(cid) +
                     (set ? QStringLiteral("),")
                          : (m.captured(3).isEmpty() ? QStringLiteral(")") : QStringLiteral("))")));
    keyWords_->setStringList(lines);
    if (lines.isEmpty()) {
        keyCompleter_->popup()->hide();
        return;
    }
    keyCompleter_->setCompletionPrefix(QString());
    keyCompleter_->complete();
}

void CommandBar::setReady(bool ready, const QString& why) {
    edit_->setEnabled(ready);
    form_->setEnabled(ready);
    edit_->setPlaceholderText(ready || why.isEmpty() ? hint_ : why);
}

QString CommandBar::errorText() const {
    return error_->isVisible() ? error_->text() : QString();
}

void CommandBar::showError(int column, const QString& message) {
    error_->setText(QStringLiteral("column %1: %2").arg(column).arg(message));
    error_->show();
    // Put the caret where the parser stopped, so the fix starts there; a line refused as a whole
    // (column 1) is selected, so what is typed next replaces it.
    if (column <= 1)
        edit_->selectAll();
    else
        edit_->setCursorPosition(std::max(
            0, column - 1 + static_cast<int>(edit_->text().indexOf(edit_->text().trimmed()))));
    edit_->setFocus();
}

void CommandBar::accept() {
    history_.removeAll(edit_->text());
    history_ << edit_->text();
    historyAt_ = static_cast<int>(history_.size());
    steppingLine_ = true; // a line run is not undone in the bar: Ctrl+Z undoes its write
    edit_->setText(QString());
    steppingLine_ = false;
    lineBack_.clear();
    lineForth_.clear();
    error_->hide();
}

bool CommandBar::isCompletion(const QString& text) const {
    return !completion_.isEmpty() && text.compare(completion_, Qt::CaseInsensitive) == 0;
}

bool CommandBar::stepLine(bool back) {
    QStringList& from = back ? lineBack_ : lineForth_;
    if (from.isEmpty())
        return false;
    (back ? lineForth_ : lineBack_) << lineNow_;
    steppingLine_ = true;
    edit_->setText(from.takeLast());
    steppingLine_ = false;
    return true;
}

bool CommandBar::eventFilter(QObject* watched, QEvent* event) {
    // Ctrl+Z / Ctrl+Shift+Z step through the line's states while it has some (dismissing an
    // inline completion first, then a recalled line, then each keystroke); otherwise they go to
    // the window's Edit > Undo / Redo (the writes typed here).
    if (watched == edit_ &&
        (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress)) {
        auto* key = static_cast<QKeyEvent*>(event);
        const bool undo = key->matches(QKeySequence::Undo);
        if (undo || key->matches(QKeySequence::Redo)) {
            if ((undo ? lineBack_ : lineForth_).isEmpty())
                return true; // not accepted: the window's shortcut runs
            if (event->type() == QEvent::ShortcutOverride)
                event->accept(); // the line's: the key press comes here
            else
                stepLine(undo);
            return true;
        }
    }
    if (watched == edit_ && event->type() == QEvent::KeyPress && !history_.isEmpty()) {
        const int key = static_cast<QKeyEvent*>(event)->key();
        if (key == Qt::Key_Up || key == Qt::Key_Down) {
            historyAt_ = std::clamp(historyAt_ + (key == Qt::Key_Up ? -1 : 1), 0,
                                    static_cast<int>(history_.size()));
            edit_->setText(historyAt_ < history_.size() ? history_[historyAt_] : QString());
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace syncscope
