#pragma once

#include <QPlainTextEdit>
#include <QWidget>

class QLabel;
class QProgressBar;
class QTimer;

namespace syncscope {

// A read-only view of a testcase file with line numbers, the line that runs next highlighted,
// and every parse error marked on its line (tooltip: the message).
class ElidedLabel;

class ScriptView : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit ScriptView(QWidget* parent = nullptr);

    struct Mark {
        int line = 0; // 1-based
        int column = 0;
        QString message;
    };
    void setErrors(const QList<Mark>& errors);
    // The line that runs next (1-based), or 0 for none.
    void setCurrentLine(int line);
    int currentLine() const { return current_; }
    int cursorLine() const { return textCursor().blockNumber() + 1; }
    const QList<Mark>& errors() const { return errors_; }
    // What the view writes after an erroneous line's text ("◀ col 7: …"), or empty.
    QString inlineMessage(int line) const;

protected:
    void resizeEvent(QResizeEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;

private:
    friend class LineNumberArea;
    int gutterWidth() const;
    void paintGutter(QPaintEvent* event);
    void updateSelections();
    const Mark* markAt(int line) const;

    QWidget* gutter_ = nullptr;
    QList<Mark> errors_;
    int current_ = 0;
};

// The script dock: the file's view, where the run stands, and a progress bar for Run.
class ScriptPanel : public QWidget {
    Q_OBJECT
public:
    explicit ScriptPanel(QWidget* parent = nullptr);

    ScriptView* view() const { return view_; }
    void showScript(const QString& fileName, const QString& text,
                    const QList<ScriptView::Mark>& errors);
    // `running`: during a Run the view's line moves at most every 100 ms (it costs
    // milliseconds on a long script); a step shows at once.
    void showPosition(int nextLine, int done, int total, bool running = false);
    QString statusText() const;
    // A Run the last program did not finish: the offer to reopen its script where it stopped,
    // above the view, until taken or dismissed (never a dialog in the way of the start).
    void offerResume(const QString& message);
    bool isOfferingResume() const;

Q_SIGNALS:
    void resumeRequested();

private:
    ScriptView* view_ = nullptr;
    QWidget* resume_ = nullptr;
    QTimer* lineThrottle_ = nullptr;
    int pendingLine_ = 0;
    bool linePending_ = false;
    QLabel* resumeText_ = nullptr;
    ElidedLabel* status_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QString fileName_;
};

} // namespace syncscope
