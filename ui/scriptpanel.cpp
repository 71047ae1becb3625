#include "scriptpanel.h"

#include "counttext.h"
#include "elidedlabel.h"

#include <QFontDatabase>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTimer>

#include <QPainter>
#include <QProgressBar>
#include <QTextBlock>
#include <QToolTip>
#include <QVBoxLayout>

namespace syncscope {

// The gutter beside the text: line numbers, painted by the view.
class LineNumberArea : public QWidget {
public:
    explicit LineNumberArea(ScriptView* view)
        : QWidget(view)
        , view_(view) {}
    QSize sizeHint() const override { return {view_->gutterWidth(), 0}; }

protected:
    void paintEvent(QPaintEvent* event) override { view_->paintGutter(event); }

private:
    ScriptView* view_;
};

ScriptView::ScriptView(QWidget* parent)
    : QPlainTextEdit(parent) {
    setObjectName(QStringLiteral("script-view"));
    setReadOnly(true);
    setLineWrapMode(NoWrap);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    gutter_ = new LineNumberArea(this);
    connect(this, &QPlainTextEdit::blockCountChanged, this,
            [this] { setViewportMargins(gutterWidth(), 0, 0, 0); });
    connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect& rect, int dy) {
        if (dy)
            gutter_->scroll(0, dy);
        else
            gutter_->update(0, rect.y(), gutter_->width(), rect.height());
    });
    setViewportMargins(gutterWidth(), 0, 0, 0);
}

int ScriptView::gutterWidth() const {
    int digits = 1;
    for (int n = std::max(1, blockCount()); n >= 10; n /= 10)
        ++digits;
    return 12 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * (digits + 1);
}

void ScriptView::resizeEvent(QResizeEvent* event) {
    QPlainTextEdit::resizeEvent(event);
    const QRect r = contentsRect();
    gutter_->setGeometry(QRect(r.left(), r.top(), gutterWidth(), r.height()));
}

void ScriptView::paintGutter(QPaintEvent* event) {
    QPainter painter(gutter_);
    painter.fillRect(event->rect(), palette().color(QPalette::AlternateBase));
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    while (block.isValid() && top <= event->rect().bottom()) {
        const int line = block.blockNumber() + 1;
        const int height = qRound(blockBoundingRect(block).height());
        const bool bad = std::any_of(errors_.begin(), errors_.end(),
                                     [line](const Mark& m) { return m.line == line; });
        painter.setPen(bad ? QColor(197, 48, 48) : palette().color(QPalette::PlaceholderText));
        if (line == current_)
            painter.drawText(2, top, 10, height, Qt::AlignLeft | Qt::AlignVCenter,
                             QStringLiteral("▶"));
        painter.drawText(0, top, gutter_->width() - 4, height, Qt::AlignRight | Qt::AlignVCenter,
                         QString::number(line));
        block = block.next();
        top += height;
    }
}

const ScriptView::Mark* ScriptView::markAt(int line) const {
    const auto found = std::find_if(errors_.begin(), errors_.end(),
                                    [line](const Mark& m) { return m.line == line; });
    return found == errors_.end() ? nullptr : &*found;
}

QString ScriptView::inlineMessage(int line) const {
    const Mark* mark = markAt(line);
    return mark ? QStringLiteral("◀ col %1: %2").arg(mark->column).arg(mark->message) : QString();
}

// Each error is written on its own line, after the text, with a mark under the column where it
// was found: readable without hovering, and at the place to fix.
void ScriptView::paintEvent(QPaintEvent* event) {
    QPlainTextEdit::paintEvent(event);
    if (errors_.isEmpty())
        return;
    QPainter painter(viewport());
    const QColor red(197, 48, 48);
    QFont italic = font();
    italic.setItalic(true);
    const double margin = document()->documentMargin();
    for (QTextBlock block = firstVisibleBlock(); block.isValid(); block = block.next()) {
        const QRectF box = blockBoundingGeometry(block).translated(contentOffset());
        if (box.top() > event->rect().bottom())
            break;
        const Mark* mark = markAt(block.blockNumber() + 1);
        if (!mark || !block.layout() || block.layout()->lineCount() == 0)
            continue;
        const QTextLine line = block.layout()->lineAt(0);
        const int column = std::clamp(mark->column - 1, 0, std::max(0, block.length() - 1));
        const double at = box.left() + margin + line.cursorToX(column);
        const double underline = box.top() + line.y() + line.ascent() + 2;
        painter.setPen(QPen(red, 2));
        painter.drawLine(
            QPointF(at, underline),
            QPointF(at + fontMetrics().horizontalAdvance(QLatin1Char('M')), underline));
        painter.setFont(italic);
        painter.setPen(red);
        const double after = box.left() + margin + line.naturalTextWidth() + 24;
        painter.drawText(QRectF(after, box.top() + line.y(), 10000, line.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, inlineMessage(mark->line));
    }
}

void ScriptView::setErrors(const QList<Mark>& errors) {
    errors_ = errors;
    updateSelections();
}

void ScriptView::setCurrentLine(int line) {
    current_ = line;
    updateSelections();
    if (line > 0) {
        const QTextBlock block = document()->findBlockByNumber(line - 1);
        QTextCursor cursor(block);
        setTextCursor(cursor);
        ensureCursorVisible();
    }
    gutter_->update();
}

void ScriptView::updateSelections() {
    QList<QTextEdit::ExtraSelection> marks;
    auto lineMark = [this](int line, const QColor& color) {
        QTextEdit::ExtraSelection s;
        s.cursor = QTextCursor(document()->findBlockByNumber(line - 1));
        s.format.setBackground(color);
        s.format.setProperty(QTextFormat::FullWidthSelection, true);
        return s;
    };
    for (const Mark& m : errors_)
        marks << lineMark(m.line, QColor(254, 215, 215));
    if (current_ > 0)
        marks << lineMark(current_, QColor(254, 243, 199));
    setExtraSelections(marks);
}

// Errors explain themselves under the mouse.
bool ScriptView::event(QEvent* event) {
    if (event->type() == QEvent::FontChange) // the zoom: the gutter's numbers grow too
        setViewportMargins(gutterWidth(), 0, 0, 0);
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int line =
            cursorForPosition(viewport()->mapFromParent(help->pos())).blockNumber() + 1;
        for (const Mark& m : errors_) {
            if (m.line == line) {
                QToolTip::showText(
                    help->globalPos(),
                    QStringLiteral("%1:%2: %3").arg(m.line).arg(m.column).arg(m.message));
                return true;
            }
        }
        QToolTip::hideText();
        return true;
    }
    return QPlainTextEdit::event(event);
}

ScriptPanel::ScriptPanel(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("script-panel"));
    view_ = new ScriptView(this);
    status_ = new ElidedLabel(
        QStringLiteral("No script: File ▸ Open Script… (Ctrl+O) or drop a file"), this);
    status_->setObjectName(QStringLiteral("script-status"));
    progress_ = new QProgressBar(this);
    progress_->setTextVisible(true);
    progress_->setMaximumHeight(14);
    progress_->hide();
    lineThrottle_ = new QTimer(this);
    lineThrottle_->setSingleShot(true);
    lineThrottle_->setInterval(100);
    connect(lineThrottle_, &QTimer::timeout, this, [this] {
        if (!linePending_)
            return;
        linePending_ = false;
        view_->setCurrentLine(pendingLine_);
        lineThrottle_->start();
    });
    resume_ = new QFrame(this);
    resume_->setObjectName(QStringLiteral("script-resume"));
    resumeText_ = new QLabel(resume_);
    resumeText_->setWordWrap(true);
    resumeText_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Minimum);
    resumeText_->setMinimumWidth(1);
    resumeText_->setMinimumHeight(2 * resumeText_->fontMetrics().lineSpacing());
    auto* reopen = new QPushButton(QStringLiteral("Re&open There"), resume_);
    reopen->setObjectName(QStringLiteral("script-resume-open"));
    auto* dismiss = new QPushButton(QStringLiteral("Dismiss"), resume_);
    connect(reopen, &QPushButton::clicked, this, [this] {
        resume_->hide();
        Q_EMIT resumeRequested();
    });
    connect(dismiss, &QPushButton::clicked, resume_, &QWidget::hide);
    auto* resumeButtons = new QHBoxLayout;
    resumeButtons->addWidget(reopen);
    resumeButtons->addWidget(dismiss);
    resumeButtons->addStretch(1);
    auto* resumeLayout = new QVBoxLayout(resume_);
    resumeLayout->setContentsMargins(4, 4, 4, 4);
    resumeLayout->addWidget(resumeText_);
    resumeLayout->addLayout(resumeButtons);
    resume_->hide();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(resume_);
    layout->addWidget(status_);
    layout->addWidget(view_, 1);
    layout->addWidget(progress_);
}

void ScriptPanel::showScript(const QString& fileName, const QString& text,
                             const QList<ScriptView::Mark>& errors) {
    fileName_ = fileName;
    linePending_ = false;
    view_->setPlainText(text);
    view_->setErrors(errors);
    view_->setCurrentLine(0);
    progress_->hide();
    status_->setText(
        errors.isEmpty()
            ? QStringLiteral("%1 — ready: Step (F10), Run (F5)").arg(fileName)
            : QStringLiteral("%1 — %2: nothing can run until %3 fixed")
                  .arg(fileName, countOf(errors.size(), "error"),
                       errors.size() == 1 ? QStringLiteral("it is") : QStringLiteral("they are")));
}

void ScriptPanel::showPosition(int nextLine, int done, int total, bool running) {
    // The last position always follows the throttled ones.
    pendingLine_ = nextLine;
    if (running && lineThrottle_->isActive()) {
        linePending_ = true;
    } else {
        linePending_ = false;
        view_->setCurrentLine(nextLine);
        if (nextLine == 0 && total > 0 && done >= total)
            view_->moveCursor(QTextCursor::End); // finished: the view shows where it ended
        lineThrottle_->start();
    }
    progress_->setRange(0, std::max(1, total));
    progress_->setValue(done);
    progress_->setFormat(QStringLiteral("%v / %m commands"));
    progress_->setVisible(total > 0);
    status_->setText(
        done >= total
            ? QStringLiteral("%1 — finished (%2)").arg(fileName_, countOf(total, "command"))
            : QStringLiteral("%1 — %2 of %3 run")
                  .arg(fileName_)
                  .arg(done)
                  .arg(countOf(total, "command")));
}

void ScriptPanel::offerResume(const QString& message) {
    resumeText_->setText(message);
    resumeText_->setToolTip(message);
    resume_->show();
}

bool ScriptPanel::isOfferingResume() const {
    return !resume_->isHidden();
}

QString ScriptPanel::statusText() const {
    return status_->text();
}

} // namespace syncscope
