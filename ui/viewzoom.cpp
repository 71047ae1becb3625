#include "viewzoom.h"

#include <QApplication>
#include <QDialog>
#include <QEvent>
#include <QHeaderView>
#include <QSettings>
#include <QTableView>
#include <QWidget>

#include <algorithm>
#include <array>
#include <cmath>

namespace syncscope {

namespace {

constexpr std::array kSteps{50, 67, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300};
const char* const kBaseFont = "syncscopeBaseFont";
const char* const kAppliedFactor = "syncscopeZoomApplied";

QString percentKey() {
    return QStringLiteral("view/zoomPercent");
}
QString presentationKey() {
    return QStringLiteral("view/presentationPercent");
}

// The font the widget had at 100 %: kept the first time the zoom touches it.
QFont baseFont(QWidget* w) {
    const QVariant kept = w->property(kBaseFont);
    if (kept.isValid())
        return kept.value<QFont>();
    w->setProperty(kBaseFont, w->font());
    return w->font();
}

void scaleFont(QWidget* w, double factor) {
    QFont font = baseFont(w);
    if (font.pointSizeF() > 0)
        font.setPointSizeF(font.pointSizeF() * factor);
    else if (font.pixelSize() > 0)
        font.setPixelSize(std::max(1, static_cast<int>(font.pixelSize() * factor + 0.5)));
    w->setFont(font);
}

} // namespace

ViewZoom::ViewZoom(QObject* parent)
    : QObject(parent) {
    QSettings settings;
    percent_ = std::clamp(settings.value(percentKey(), 100).toInt(), kSteps.front(), kSteps.back());
    presentationPercent_ =
        std::clamp(settings.value(presentationKey(), 150).toInt(), 110, kSteps.back());
}

void ViewZoom::setView(QWidget* view) {
    view_ = view;
    if (!filtering_) {
        qApp->installEventFilter(this);
        filtering_ = true;
    }
    apply();
}

void ViewZoom::setPercent(int percent) {
    percent = std::clamp(percent, kSteps.front(), kSteps.back());
    if (percent == percent_)
        return;
    percent_ = percent;
    QSettings settings;
    settings.setValue(percentKey(), percent_);
    if (percent_ > 100) {
        presentationPercent_ = percent_;
        settings.setValue(presentationKey(), presentationPercent_);
    }
    apply();
    Q_EMIT percentChanged(percent_);
}

void ViewZoom::zoomIn() {
    const auto next = std::upper_bound(kSteps.begin(), kSteps.end(), percent_);
    setPercent(next == kSteps.end() ? kSteps.back() : *next);
}

void ViewZoom::zoomOut() {
    const auto below = std::lower_bound(kSteps.begin(), kSteps.end(), percent_);
    setPercent(below == kSteps.begin() ? kSteps.front() : *(below - 1));
}

void ViewZoom::actualSize() {
    setPercent(100);
}

void ViewZoom::setPresentation(bool on) {
    setPercent(on ? presentationPercent_ : 100);
}

// The window's font first (what every widget without a font of its own inherits), then each
// widget that set its own (the console's and the script's fixed-width font, bold headers).
// Fixed-height table rows and column widths are sized by hand elsewhere, so they are scaled
// here by the change in scale. The dialogs open now follow too.
void ViewZoom::apply() {
    if (!view_)
        return;
    applyTo(view_);
    for (QWidget* top : QApplication::topLevelWidgets())
        if (qobject_cast<QDialog*>(top) && top->isVisible())
            applyTo(top);
}

void ViewZoom::applyTo(QWidget* root) const {
    const double factor = percent_ / 100.0;
    scaleFont(root, factor);
    // A widget that sets a font sets it whole (a fixed-width face at the system's size), so it
    // is scaled from that; one that wants only bold says so in markup and inherits the size.
    // Table headers too: the platform may give them a font of their own class.
    for (QWidget* w : root->findChildren<QWidget*>())
        if ((w->testAttribute(Qt::WA_SetFont) || qobject_cast<QHeaderView*>(w)) && !w->isWindow())
            scaleFont(w, factor);
    // What this window's columns were last scaled to, kept on the window itself.
    const QVariant applied = root->property(kAppliedFactor);
    const double change = factor / (applied.isValid() ? applied.toDouble() : 1.0);
    for (QTableView* table : root->findChildren<QTableView*>()) {
        table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
        if (change != 1.0) {
            QHeaderView* columns = table->horizontalHeader();
            for (int c = 0; c < columns->count(); ++c)
                if (columns->sectionResizeMode(c) == QHeaderView::Interactive)
                    columns->resizeSection(
                        c, static_cast<int>(std::lround(columns->sectionSize(c) * change)));
        }
    }
    root->setProperty(kAppliedFactor, factor);
}

// Every dialog (the Merge dialog, a store's, Help's pages, the Property Lab, a message box) at
// the scale of the window as it is shown.
bool ViewZoom::eventFilter(QObject* watched, QEvent* event) {
    // Polished before its first show sizes it (so it opens large enough); shown again after a
    // change of scale while hidden.
    if ((event->type() == QEvent::Polish || event->type() == QEvent::Show) && view_)
        if (auto* dialog = qobject_cast<QDialog*>(watched); dialog && dialog->isWindow()) {
            applyTo(dialog);
            // A window shortcut of the main window's menu is dead while a dialog is active;
            // the action added to the dialog as well is live there (adding it again is a no-op).
            dialog->addActions(keys_);
        }
    return QObject::eventFilter(watched, event);
}

} // namespace syncscope
