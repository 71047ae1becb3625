#pragma once

#include <QObject>
#include <QTimer>

#include <vector>

namespace syncscope {

class CommandSession;
class StoreWorker;

// Follows the oplog tail of every store that captures writes made by other clients
// (StoreCapabilities::capturesOutsideWrites: the triggers on MariaDB and PostgreSQL), so a
// change made with the mysql or psql client reaches the engine and the views within a second.
// A store that pushes notifications (PostgreSQL's LISTEN/NOTIFY) has its tail read as soon as
// one arrives, and every few seconds besides, in case one was missed; the others are polled
// every kPollMs. A tail read is a primary-key range on the store's worker thread, so following
// costs the same on a log of a million entries as on an empty one, and never the UI thread.
class OutsideWriteFollower : public QObject {
    Q_OBJECT
public:
    static constexpr int kPollMs = 250;
    static constexpr int kPushedPollEvery = 20; // ticks between safety reads of a pushing store
    static constexpr size_t kTailPage = 5000;

    OutsideWriteFollower(CommandSession* session, std::vector<StoreWorker*> workers,
                         QObject* parent = nullptr);

private:
    struct Follow {
        bool captures = false;
        bool subscribed = false;
        bool pushes = false;
        bool reading = false;
        bool again = false; // a notification came while a read was out
        qint64 position = 0;
    };
    // The session (re)built its engine: follow from where each log it read ended.
    void restart();
    void subscribe(size_t store);
    void tick();
    void read(size_t store);

    CommandSession* session_;
    std::vector<StoreWorker*> workers_;
    std::vector<Follow> follows_;
    QTimer timer_;
    quint64 generation_ = 0; // reads of an earlier start are dropped
    int ticks_ = 0;
};

} // namespace syncscope
