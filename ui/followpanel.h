#pragma once

#include "deadlettermodel.h"
#include "followprogressmodel.h"

#include <QWidget>

class QPushButton;
class QTableView;

namespace syncscope {

class ElidedLabel;
class FollowPlot;

// The Follow dock: what a follow does, target by target (FollowProgressModel), its lag and
// throughput over time (FollowPlot), the writes set aside because a target would refuse them
// (DeadLetterModel, shown while there are any, with Retry Set-Aside), and Pause / Resume (F8),
// Stop (Shift+F8) and Export Plot.
// It shows what it is told; who runs the follow is the caller's business.
class FollowPanel : public QWidget {
    Q_OBJECT
public:
    explicit FollowPanel(QWidget* parent = nullptr);

    // A follow began: its source and targets, with the buttons enabled.
    void started(const QString& source, const QStringList& targets);
    // It ended (stopped, or could not start: `why`).
    void ended(const QString& why);
    void setPaused(bool paused);
    // Where the source's capture from its server's log stands (progresstext.h's captureText), shown
    // after the title while a follow of `source` runs; ignored for any other store.
    void setSourceCapture(const QString& source, const QString& capture);

    FollowProgressModel* model() { return &model_; }
    DeadLetterModel* deadLetters() { return &deadLetters_; }
    QPushButton* retryButton() const { return retry_; }
    FollowPlot* plot() const { return plot_; }
    QPushButton* pauseButton() const { return pause_; }
    QPushButton* stopButton() const { return stop_; }
    QString title() const;

Q_SIGNALS:
    void pauseToggled(bool paused);
    void stopRequested();
    void retryRequested(); // offer the set-aside writes again

private:
    void showDeadLetters();
    void showTitle();

    FollowProgressModel model_;
    DeadLetterModel deadLetters_;
    ElidedLabel* title_;
    QString source_;    // while following
    QString following_; // "Following A → B, C"
    QString sourceCapture_;
    QPushButton* pause_;
    QPushButton* stop_;
    QTableView* table_;
    FollowPlot* plot_;
    QTableView* deadTable_;
    QPushButton* retry_;
};

} // namespace syncscope
