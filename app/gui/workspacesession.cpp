#include "workspacesession.h"

#include "displayuri.h"
#include "gradetablemodel.h"
#include "keychainpasswords.h"
#include "oplogmodel.h"
#include "refusedstore.h"
#include "storefactory.h"
#include "storeloader.h"
#include "storeworker.h"
#include "whenfinished.h"

#include <QDir>
#include <QStandardPaths>
#include <QTimer>

namespace syncscope {

struct WorkspaceSession::Slot {
    StoreDescription description;
    QString uri;
    std::unique_ptr<StoreWorker> worker;
    std::unique_ptr<GradeTableModel> grades = std::make_unique<GradeTableModel>();
    std::unique_ptr<OplogModel> oplog = std::make_unique<OplogModel>();
    std::unique_ptr<StoreLoader> loader;
    QString createError; // why the URI was refused (the worker's store is a RefusedStore)
    bool open = false;
    bool opening = false; // an open is on its way (a retry waits for its answer)
};

WorkspaceSession::WorkspaceSession(std::vector<StoreSpec> stores, QObject* parent)
    : QObject(parent) {
    QVector<StoreSummaryModel::Row> rows;
    for (const StoreSpec& spec : stores) {
        auto slot = std::make_unique<Slot>();
        const QString name = QString::fromStdString(spec.name);
        slot->uri = QString::fromStdString(spec.uri);
        auto store = StoreFactory::create(name, QString::fromStdString(spec.uri));
        StoreSummaryModel::Row row;
        row.name = name;
        if (!store) {
            // Held as a store that cannot be opened: every part of the program gets a worker.
            row.state = store.error().message;
            slot->createError = store.error().message;
            store = std::unique_ptr<Store>(std::make_unique<RefusedStore>(
                StoreDescription{name, QStringLiteral("?"),
                                 displayUri(QString::fromStdString(spec.uri)), false},
                store.error()));
        }
        slot->description = store.value()->description();
        slot->worker = std::make_unique<StoreWorker>(std::move(store.value()));
        // A lost connection being retried, and the like: shown as it happens.
        connect(slot->worker.get(), &StoreWorker::notice, this, &WorkspaceSession::storeFailed);
        slot->loader = std::make_unique<StoreLoader>(slot->worker.get(), slot->grades.get(),
                                                     slot->oplog.get());
        row.kind = slot->description.kind;
        row.location = slot->description.location;
        row.embedded = slot->description.embedded;
        rows.push_back(row);
        const int index = static_cast<int>(stores_.size());
        if (slot->loader) {
            connect(slot->loader.get(), &StoreLoader::countsKnown, this,
                    [this, index](const StoreCounts& c) {
                        summary_.setCounts(index, c.liveKeys, c.oplogEntries);
                        Q_EMIT countsChanged(index, c);
                    });
            connect(slot->loader.get(), &StoreLoader::gradesLoaded, this,
                    [this, index](int) { setState(index, QStringLiteral("connected")); });
            connect(slot->loader.get(), &StoreLoader::failed, this,
                    [this, index](const QString& m) {
                        setState(index, QStringLiteral("failed"));
                        Q_EMIT storeFailed(m);
                    });
        }
        stores_.push_back(std::move(slot));
    }
    summary_.setStores(std::move(rows));
}

WorkspaceSession::~WorkspaceSession() = default;

StoreDescription WorkspaceSession::description(int store) const {
    return stores_[static_cast<size_t>(store)]->description;
}

GradeTableModel* WorkspaceSession::grades(int store) const {
    return stores_[static_cast<size_t>(store)]->grades.get();
}

OplogModel* WorkspaceSession::oplog(int store) const {
    return stores_[static_cast<size_t>(store)]->oplog.get();
}

StoreLoader* WorkspaceSession::loader(int store) const {
    return stores_[static_cast<size_t>(store)]->loader.get();
}

std::vector<StoreWorker*> WorkspaceSession::workers() const {
    std::vector<StoreWorker*> out;
    for (const auto& s : stores_)
        out.push_back(s->worker.get());
    return out;
}

QString WorkspaceSession::defaultDataDir() {
    const QString dir = qEnvironmentVariable("SYNCSCOPE_DATA_DIR");
    return !dir.isEmpty() ? dir
                          : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                                QStringLiteral("/stores");
}

std::vector<StoreSpec> WorkspaceSession::defaultStores(const QString& dataDir) {
    std::vector<StoreSpec> stores;
    QDir().mkpath(dataDir);
    for (StoreSpec spec : StoreDirectory::defaultGroups()) {
        const QString file = QDir(dataDir).absoluteFilePath(
            QString::fromStdString(spec.name).toLower() + QStringLiteral(".db"));
        spec.uri = QStringLiteral("sqlite://").append(file).toStdString();
        stores.push_back(std::move(spec));
    }
    return stores;
}

namespace {
constexpr int kOpenPatienceMs = 3000;
} // namespace

void WorkspaceSession::setState(int store, const QString& state) {
    summary_.setState(store, state);
    Q_EMIT stateChanged(store, state);
}

void WorkspaceSession::openAll() {
    openAnswers_ = 0;
    answered_.assign(stores_.size(), 0);
    for (size_t i = 0; i < stores_.size(); ++i) {
        Slot& slot = *stores_[i];
        const int index = static_cast<int>(i);
        if (!slot.createError.isEmpty()) {
            setState(index, QStringLiteral("unavailable"));
            Q_EMIT storeOpenFailed(index, slot.createError);
            answer(index);
            continue;
        }
        openStore(index, [this, index] { answer(index); });
    }
    // A server that does not answer (a firewall dropping packets, a host that is down) must
    // not hold the others back: past this, the stores still opening count as unavailable, and
    // each comes in when its open succeeds (storeOpened).
    QTimer::singleShot(kOpenPatienceMs, this, [this] {
        for (size_t i = 0; i < stores_.size(); ++i)
            if (!answered_[i]) {
                Q_EMIT storeOpenFailed(static_cast<int>(i),
                                       QStringLiteral("no answer after %1 s; still trying")
                                           .arg(kOpenPatienceMs / 1000));
                answer(static_cast<int>(i));
            }
    });
}

void WorkspaceSession::answer(int store) {
    if (answered_[static_cast<size_t>(store)])
        return;
    answered_[static_cast<size_t>(store)] = 1;
    if (++openAnswers_ == storeCount())
        Q_EMIT allOpened();
}

void WorkspaceSession::openStore(int index, std::function<void()> answered) {
    Slot& slot = *stores_[static_cast<size_t>(index)];
    slot.opening = true;
    // SYNCSCOPE_PASSWORD_<STORE>, when set, is this run's choice and the store already holds
    // it (StoreFactory::create); else a server's password comes from the keychain.
    if (!StoreFactory::takesPassword(slot.uri) ||
        !StoreFactory::passwordFromEnvironment(slot.description.name).isEmpty()) {
        setState(index, QStringLiteral("connecting"));
        whenFinished(slot.worker->open(), this,
                     [this, index, answered](const Status& s) { opened(index, s, {}, answered); });
        return;
    }
    setState(index, QStringLiteral("reading the keychain"));
    whenFinished(keychain::readPassword(slot.uri), this,
                 [this, index, answered](const keychain::Answer& a) {
                     setState(index, QStringLiteral("connecting"));
                     StoreWorker* worker = stores_[static_cast<size_t>(index)]->worker.get();
                     whenFinished(a.password.isNull() ? worker->open() : worker->open(a.password),
                                  this, [this, index, answered, why = a.problem](const Status& s) {
                                      opened(index, s, why, answered);
                                  });
                 });
}

void WorkspaceSession::opened(int index, const Status& s, const QString& keychainProblem,
                              const std::function<void()>& answered) {
    stores_[static_cast<size_t>(index)]->opening = false;
    if (!s) {
        // A keychain that could not be read matters only when the login then fails.
        // ... and only when the server refused the login (not when it could not be reached).
        const QString message = s.error().message.toLower();
        const bool login = message.contains(QStringLiteral("denied")) ||
                           message.contains(QStringLiteral("password")) ||
                           message.contains(QStringLiteral("authentication"));
        const QString why =
            keychainProblem.isEmpty() || !login
                ? QString()
                : QStringLiteral(" (the keychain could not be read: %1)").arg(keychainProblem);
        setState(index, QStringLiteral("failed: ") + s.error().message + why);
        Q_EMIT storeFailed(s.error().toString() + why);
        Q_EMIT storeOpenFailed(index, s.error().message + why);
        answered();
        return;
    }
    stores_[static_cast<size_t>(index)]->open = true;
    Q_EMIT storeOpened(index);
    // allOpened() waits for the store's first page on screen: what it sets off (the command
    // engine reads whole oplogs) would otherwise queue ahead of the views' reads on the
    // worker, which serves its calls in order.
    auto done = std::make_shared<bool>(false);
    auto answerOnce = [done, answered] {
        if (!*done) {
            *done = true;
            answered();
        }
    };
    StoreLoader* loader = stores_[static_cast<size_t>(index)]->loader.get();
    connect(loader, &StoreLoader::firstPageShown, this, answerOnce);
    connect(loader, &StoreLoader::failed, this, answerOnce);
    load(index);
}

void WorkspaceSession::load(int store) {
    setState(store, QStringLiteral("loading"));
    stores_[static_cast<size_t>(store)]->loader->reload();
}

bool WorkspaceSession::isOpen(int store) const {
    return stores_[static_cast<size_t>(store)]->open;
}

void WorkspaceSession::retry(int store) {
    Slot& slot = *stores_[static_cast<size_t>(store)];
    if (!slot.createError.isEmpty() || slot.open || slot.opening)
        return;
    openStore(store, [] {});
}

void WorkspaceSession::refresh() {
    for (size_t i = 0; i < stores_.size(); ++i)
        if (stores_[i]->open)
            load(static_cast<int>(i));
}

} // namespace syncscope
