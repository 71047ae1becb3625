#include "plotsupport.h"

#include <qcustomplot.h>

#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>

#include <array>
#include <memory>

namespace syncscope {

namespace {
// Okabe and Ito's palette: told apart by people with any common colour-vision deficiency,
// and printable.
constexpr std::array<QRgb, 8> kPalette = {0x0072B2, 0xE69F00, 0x009E73, 0xCC79A7,
                                          0x56B4E9, 0xD55E00, 0xF0E442, 0x000000};
} // namespace

QColor storeColor(size_t store) {
    return QColor(kPalette[store % kPalette.size()]);
}

QColor seriesColor(size_t series) {
    // Past the palette, the same hues again, darker: still apart from their neighbours.
    const QColor base(kPalette[series % kPalette.size()]);
    return series < kPalette.size()
               ? base
               : base.darker(100 + 40 * static_cast<int>(series / kPalette.size()));
}

QCPTextElement* addPlotTitle(QCustomPlot* plot, const QString& title) {
    plot->plotLayout()->insertRow(0);
    QFont font = plot->font();
    font.setBold(true);
    auto* element = new QCPTextElement(plot, title, font);
    plot->plotLayout()->addElement(0, 0, element);
    return element;
}

namespace {

class PlotFontFollower : public QObject {
public:
    explicit PlotFontFollower(QCustomPlot* plot)
        : QObject(plot)
        , plot_(plot) {}

    bool eventFilter(QObject* watched, QEvent* event) override {
        if (watched == plot_ && event->type() == QEvent::FontChange)
            applyFont();
        return false;
    }

private:
    void applyFont() {
        const QFont font = plot_->font();
        QFont bold = font;
        bold.setBold(true);
        for (QCPAxisRect* rect : plot_->axisRects())
            for (QCPAxis* axis : rect->axes()) {
                axis->setTickLabelFont(font);
                axis->setLabelFont(font);
            }
        if (plot_->legend)
            plot_->legend->setFont(font);
        for (int i = 0; i < plot_->plotLayout()->elementCount(); ++i)
            if (auto* title = qobject_cast<QCPTextElement*>(plot_->plotLayout()->elementAt(i)))
                title->setFont(bold);
        plot_->replot(QCustomPlot::rpQueuedReplot);
    }

    QCustomPlot* plot_;
};

} // namespace

void followWidgetFont(QCustomPlot* plot) {
    plot->installEventFilter(new PlotFontFollower(plot));
}

void followUserRange(QCustomPlot* plot, bool* chosen, std::function<void()> refit,
                     std::function<void(QMouseEvent*)> onClick) {
    auto pressedAt = std::make_shared<QPointF>();
    QObject::connect(plot, &QCustomPlot::mouseWheel, plot, [chosen] { *chosen = true; });
    QObject::connect(plot, &QCustomPlot::mousePress, plot,
                     [pressedAt](QMouseEvent* e) { *pressedAt = e->position(); });
    QObject::connect(plot, &QCustomPlot::mouseRelease, plot,
                     [chosen, pressedAt, onClick = std::move(onClick)](QMouseEvent* e) {
                         if ((e->position() - *pressedAt).manhattanLength() > 4)
                             *chosen = true;
                         else if (onClick)
                             onClick(e);
                     });
    QObject::connect(plot, &QCustomPlot::mouseDoubleClick, plot,
                     [chosen, refit = std::move(refit)] {
                         *chosen = false;
                         refit();
                     });
}

bool savePlot(QCustomPlot* plot, const QString& path, QString* error) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    bool saved = false;
    if (suffix == QStringLiteral("png"))
        saved = plot->savePng(path, plot->width(), plot->height(), 2.0);
    else if (suffix == QStringLiteral("pdf"))
        saved = plot->savePdf(path, plot->width(), plot->height(), QCP::epNoCosmetic,
                              QStringLiteral("Syncscope"));
    else {
        *error = QStringLiteral("%1: choose a name ending in .png or .pdf").arg(path);
        return false;
    }
    if (!saved)
        *error = QStringLiteral("%1: could not be written (is the folder writable?)").arg(path);
    return saved;
}

void savePlotWithDialog(QWidget* parent, const QString& defaultName,
                        const std::function<bool(const QString& path, QString* error)>& save) {
    QString filter = QStringLiteral("PNG image (*.png)");
    const QString path = QFileDialog::getSaveFileName(
        parent, QStringLiteral("Export Plot"),
        QDir::home().filePath(defaultName + QStringLiteral(".png")),
        QStringLiteral("PNG image (*.png);;PDF document (*.pdf)"), &filter);
    if (path.isEmpty())
        return;
    QString target = path;
    if (QFileInfo(target).suffix().isEmpty())
        target += filter.contains(QStringLiteral("pdf")) ? QStringLiteral(".pdf")
                                                         : QStringLiteral(".png");
    QString error;
    if (!save(target, &error))
        QMessageBox::warning(parent, QStringLiteral("Export Plot"), error);
}

namespace {

// Replots its plot when it is shown, if a replot was put off while it was hidden.
class ReplotOnShow : public QObject {
public:
    explicit ReplotOnShow(QCustomPlot* plot)
        : QObject(plot)
        , plot_(plot) {
        plot->installEventFilter(this);
    }
    bool pending = false;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (watched == plot_ && event->type() == QEvent::Show && pending) {
            pending = false;
            plot_->replot(QCustomPlot::rpQueuedReplot);
        }
        return QObject::eventFilter(watched, event);
    }

private:
    QCustomPlot* plot_;
};

} // namespace

void replotWhenShown(QCustomPlot* plot) {
    if (plot->isVisible() || !plot->window()->isVisible()) {
        plot->replot();
        return;
    }
    auto* hook = plot->findChild<ReplotOnShow*>(QString(), Qt::FindDirectChildrenOnly);
    if (!hook)
        hook = new ReplotOnShow(plot);
    hook->pending = true;
}

} // namespace syncscope
