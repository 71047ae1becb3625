#include "labactions.h"

#include "commandsession.h"
#include "mainwindow.h"
#include "propertylabdialog.h"
#include "whenfinished.h"

#include <QAction>
#include <QElapsedTimer>
#include <QMenu>
#include <QtConcurrent>

namespace syncscope {

namespace {

struct Extracted {
    std::shared_ptr<LabHistory> history;
    std::string problem;
};

struct Ran {
    std::shared_ptr<const PropertyLabReport> report;
    double seconds = 0;
};

} // namespace

LabActions::LabActions(MainWindow* window, QMenu* menu, CommandSession* commands, QObject* parent)
    : QObject(parent)
    , window_(window)
    , commands_(commands) {
    menu->addSeparator();
    QAction* lab = menu->addAction(QStringLiteral("&Property Lab…"), this, [this] { open(); });
    lab->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_P);
    lab->setToolTip(QStringLiteral("Run merges in every order under each strategy and see which "
                                   "properties hold"));
}

PropertyLabDialog* LabActions::open() {
    if (!dialog_) {
        dialog_ = new PropertyLabDialog(commands_->storeNames(), window_);
        dialog_->setAttribute(Qt::WA_DeleteOnClose);
        if (commands_->storeNames().size() >= 2) {
            dialog_->addStep(false, 0, 1);
            dialog_->addStep(false, 1, 0);
        }
        connect(dialog_, &PropertyLabDialog::runRequested, this, &LabActions::run);
    }
    dialog_->show();
    dialog_->raise();
    dialog_->activateWindow();
    return dialog_;
}

PropertyLabDialog* LabActions::dialog() const {
    return dialog_;
}

void LabActions::run() {
    if (!commands_->isReady()) {
        dialog_->showProblem(QStringLiteral("the stores are still loading"));
        return;
    }
    const std::vector<MergeStrategy> strategies = dialog_->strategies();
    if (strategies.empty()) {
        dialog_->showProblem(QStringLiteral("choose at least one strategy"));
        return;
    }
    std::vector<size_t> replicas;
    for (int s : dialog_->labStores())
        replicas.push_back(static_cast<size_t>(s));
    const std::vector<LabStep> steps = dialog_->steps();
    const quint64 generation = ++generation_;
    dialog_->showRunning();
    auto extracted = std::make_shared<Extracted>();
    commands_->withEngine(
        [extracted, replicas](Engine& engine, Catalog&) {
            extracted->history = extractLabHistory(engine, replicas, extracted->problem);
        },
        [this, extracted, steps, strategies, generation] {
            if (generation != generation_ || !dialog_)
                return;
            if (!extracted->history) {
                dialog_->showProblem(QString::fromStdString(extracted->problem));
                return;
            }
            auto task = [history = extracted->history, steps, strategies] {
                QElapsedTimer timer;
                timer.start();
                auto report = std::make_shared<const PropertyLabReport>(
                    runPropertyLab(*history, steps, strategies));
                return Ran{std::move(report), static_cast<double>(timer.nsecsElapsed()) / 1e9};
            };
            whenFinished(QtConcurrent::run(std::move(task)), this, [this, generation](Ran ran) {
                if (generation == generation_ && dialog_)
                    dialog_->showReport(std::move(ran.report), ran.seconds);
            });
        });
}

} // namespace syncscope
