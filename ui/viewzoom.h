#pragma once

#include <QList>
#include <QObject>
#include <QPointer>

class QAction;
class QWidget;

namespace syncscope {

// One scale for everything a window shows (tables, oplogs, console, script, plots): the
// window's font and every font set on a widget inside it, scaled from what each was at 100 %,
// with table rows and columns following. Presentation mode is a remembered larger scale for
// a projector; the current scale is remembered between runs (QSettings). Every dialog follows
// the same scale as it is shown, and those open follow a change.
class ViewZoom : public QObject {
    Q_OBJECT
public:
    explicit ViewZoom(QObject* parent = nullptr);

    // The window whose contents follow the scale; applies the current one at once. Widgets
    // added to it later follow at the next change.
    void setView(QWidget* view);
    // The View menu's zoom actions (Presentation, Zoom In/Out, Actual Size): their keys work in
    // every dialog too (a Help page, the Property Lab), the same actions added to each, so no
    // key has two actions to choose from.
    void setKeysInDialogs(const QList<QAction*>& actions) { keys_ = actions; }

    int percent() const { return percent_; }
    bool isPresentation() const { return percent_ > 100; }
    int presentationPercent() const { return presentationPercent_; }

public Q_SLOTS:
    void setPercent(int percent);
    void zoomIn();
    void zoomOut();
    void actualSize();
    // On: the presentation scale (150 % until the user zooms while presenting); off: 100 %.
    void setPresentation(bool on);

Q_SIGNALS:
    void percentChanged(int percent);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void apply();
    void applyTo(QWidget* root) const;

    QPointer<QWidget> view_;
    QList<QAction*> keys_;
    int percent_ = 100;
    int presentationPercent_ = 150;
    bool filtering_ = false; // watching for dialogs shown
};

} // namespace syncscope
