#pragma once

#include "store.h"

#include <QObject>
#include <QTimer>

#include <functional>
#include <vector>

namespace syncscope {

class StoreWorker;

// Asks each store that captures from its server's log (capture=log) where the capture stands,
// once a second, and says so (the store panels' headers, the Follow dock). One question per
// store at a time: a store busy with a long write answers when it is free, and the window never
// waits for it.
class CaptureWatch : public QObject {
    Q_OBJECT
public:
    // `workers`: the workspace's stores in order (null where a store could not be created); asked
    // again on each round, as stores open and reconnect.
    explicit CaptureWatch(std::function<std::vector<StoreWorker*>()> workers,
                          QObject* parent = nullptr);

    void start();

Q_SIGNALS:
    void progressed(int store, const syncscope::CaptureProgress& progress);

private:
    void ask();

    std::function<std::vector<StoreWorker*>()> workers_;
    std::vector<char> asking_;
    QTimer timer_;
};

} // namespace syncscope
