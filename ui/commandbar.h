#pragma once

#include <QWidget>

#include <functional>
#include <string>
#include <utility>
#include <vector>

class QCompleter;
class QLineEdit;
class QStringListModel;
class QToolButton;

namespace syncscope {

class ElidedLabel;

class CommandForm;

// The line where a user types any script line (SET, GET, DELETE, MERGE, FULL_SYNC, with or
// without a timestamp) and presses Enter. Completion offers store names and operations;
// Up/Down walk the history; a parse error is shown under the line at its column and the line
// stays for fixing.
class CommandBar : public QWidget {
    Q_OBJECT
public:
    explicit CommandBar(QWidget* parent = nullptr);

    void setStoreNames(const QStringList& names);
    // Where key completion comes from: the keys of `store` whose student id starts with the
    // prefix (the grade table's loaded keys, in order).
    using KeySource = std::function<std::vector<std::pair<std::string, std::string>>(
        const QString& store, const QString& studentPrefix)>;
    void setKeySource(KeySource source);
    void setReady(bool ready, const QString& why = {});
    // The lines Up and Down walk through, oldest first (kept across a workspace change).
    const QStringList& history() const { return history_; }
    void setHistory(const QStringList& lines) {
        history_ = lines;
        historyAt_ = static_cast<int>(history_.size());
    }
    QLineEdit* lineEdit() const { return edit_; }
    CommandForm* form() const { return form_; }
    QString errorText() const;

public Q_SLOTS:
    // The submitted line failed: show why, point at the column, keep the text.
    void showError(int column, const QString& message);
    // The submitted line ran: into the history, and clear.
    void accept();

Q_SIGNALS:
    void submitted(const QString& line);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QLineEdit* edit_ = nullptr;
    CommandForm* form_ = nullptr;
    QToolButton* formToggle_ = nullptr;
    ElidedLabel* error_ = nullptr;
    QStringListModel* words_ = nullptr;
    QCompleter* completer_ = nullptr;
    QString hint_;
    QStringList history_;
    KeySource keys_;
    QStringListModel* keyWords_ = nullptr;
    QCompleter* keyCompleter_ = nullptr;
    void completeKeys(const QString& text);
    // Ctrl+Z / Ctrl+Shift+Z on the line itself; false when it has nothing to go back (forth) to.
    bool stepLine(bool back);
    int historyAt_ = 0;
    // The line's own states, every change of it: a keystroke, an inline completion, a recalled
    // line. QLineEdit's undo forgets everything at each setText(), which completions and
    // recalls use, so Ctrl+Z went to the stores' Undo with a recalled or completed line there.
    QStringList lineBack_, lineForth_;
    QString lineNow_;
    bool lineNowCompleted_ = false; // an inline completion: no state of its own to go back to
    QString completion_;            // the completer's, until the line shows it
    bool isCompletion(const QString& text) const;
    bool steppingLine_ = false;
};

} // namespace syncscope
