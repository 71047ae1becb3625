#include "followprogressmodel.h"

namespace syncscope {

FollowProgressModel::FollowProgressModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void FollowProgressModel::setTargets(const QStringList& names) {
    beginResetModel();
    rows_.clear();
    for (const QString& n : names)
        rows_.push_back({n, {}, 0, {}});
    endResetModel();
}

void FollowProgressModel::update(int row, const FollowProgress& progress, double writesPerSecond,
                                 const LagSummary& lag) {
    if (row < 0 || static_cast<size_t>(row) >= rows_.size())
        return;
    Row& r = rows_[static_cast<size_t>(row)];
    r.progress = progress;
    r.rate = writesPerSecond;
    r.lag = lag;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void FollowProgressModel::setProgress(int row, const FollowProgress& progress) {
    if (row < 0 || static_cast<size_t>(row) >= rows_.size())
        return;
    Row& r = rows_[static_cast<size_t>(row)];
    update(row, progress, r.rate, r.lag);
}

int FollowProgressModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int FollowProgressModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FollowProgressModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = rows_[static_cast<size_t>(index.row())];
    const bool retrying = r.progress.state == FollowProgress::State::Retrying;
    if (role == Qt::TextAlignmentRole && index.column() >= Position && index.column() <= LagP99)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    const bool lagKnown = r.lag.count > 0;
    switch (index.column()) {
    case Target:
        return r.name;
    case State: {
        QString state = QString::fromLatin1(followStateName(r.progress.state));
        if (r.progress.state == FollowProgress::State::Following && r.progress.caughtUp)
            state += QStringLiteral(", caught up");
        if (retrying)
            state += QStringLiteral(" in %1 s").arg(r.progress.retryInMs / 1000.0, 0, 'f', 1);
        return state;
    }
    case Position:
        return static_cast<qlonglong>(r.progress.position);
    case Applied:
        return static_cast<qlonglong>(r.progress.applied);
    case AlreadyHeld:
        return static_cast<qlonglong>(r.progress.alreadyHeld);
    case SetAside:
        return static_cast<qlonglong>(r.progress.setAside);
    case Rate:
        return qRound64(r.rate);
    case LagP50:
        return lagKnown ? QVariant(static_cast<qlonglong>(r.lag.p50))
                        : QVariant(QStringLiteral("–"));
    case LagP99:
        return lagKnown ? QVariant(static_cast<qlonglong>(r.lag.p99))
                        : QVariant(QStringLiteral("–"));
    case Problem:
        return r.progress.problem;
    default:
        return {};
    }
}

QVariant FollowProgressModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Target:
        return QStringLiteral("Target");
    case State:
        return QStringLiteral("State");
    case Position:
        return QStringLiteral("Source position");
    case Applied:
        return QStringLiteral("Applied");
    case AlreadyHeld:
        return QStringLiteral("Already held");
    case SetAside:
        return QStringLiteral("Set aside");
    case Rate:
        return QStringLiteral("Writes/s");
    case LagP50:
        return QStringLiteral("Lag p50 (ms)");
    case LagP99:
        return QStringLiteral("Lag p99 (ms)");
    case Problem:
        return QStringLiteral("Problem");
    default:
        return {};
    }
}

} // namespace syncscope
