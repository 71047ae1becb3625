#include "workspacesession.h"

#include "storefactory.h"
#include "storeworker.h"

#include <QDir>

namespace syncscope {

WorkspaceSession::WorkspaceSession(std::vector<StoreSpec> stores, QObject* parent)
    : QObject(parent) {
    QVector<StoreSummaryModel::Row> rows;
    for (const StoreSpec& spec : stores) {
        const QString name = QString::fromStdString(spec.name);
        auto store = StoreFactory::create(name, QString::fromStdString(spec.uri));
        StoreSummaryModel::Row row;
        row.name = name;
        if (!store) {
            row.kind = QStringLiteral("?");
            row.location = QString::fromStdString(spec.uri);
            row.state = store.error().message;
            workers_.push_back(nullptr);
        } else {
            const StoreDescription d = store.value()->description();
            row.kind = d.kind;
            row.location = d.location;
            row.embedded = d.embedded;
            workers_.push_back(std::make_unique<StoreWorker>(std::move(store.value())));
        }
        rows.push_back(row);
    }
    opened_.assign(workers_.size(), false);
    summary_.setStores(std::move(rows));
}

WorkspaceSession::~WorkspaceSession() = default;

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

void WorkspaceSession::openAll() {
    for (size_t i = 0; i < workers_.size(); ++i) {
        if (!workers_[i])
            continue;
        const int row = static_cast<int>(i);
        workers_[i]->open().then(this, [this, row, i](const Status& s) {
            if (!s) {
                summary_.setState(row, QStringLiteral("failed: ") + s.error().message);
                Q_EMIT storeFailed(s.error().toString());
                return;
            }
            opened_[i] = true;
            summary_.setState(row, QStringLiteral("connected"));
            refreshCounts();
        });
    }
}

void WorkspaceSession::refreshCounts() {
    for (size_t i = 0; i < workers_.size(); ++i) {
        if (!workers_[i] || !opened_[i])
            continue;
        const int row = static_cast<int>(i);
        workers_[i]->counts().then(this, [this, row](const Result<StoreCounts>& c) {
            if (!c) {
                summary_.setState(row, QStringLiteral("failed: ") + c.error().message);
                Q_EMIT storeFailed(c.error().toString());
                return;
            }
            summary_.setCounts(row, c.value().liveKeys, c.value().oplogEntries);
        });
    }
}

} // namespace syncscope
