#include "propertylabmodels.h"

#include "identifiers.h"

namespace syncscope {

namespace {

QString text(const std::string& s) {
    return QString::fromStdString(s);
}

QString verdictText(LabVerdict::State state) {
    switch (state) {
    case LabVerdict::State::Held:
        return QStringLiteral("held");
    case LabVerdict::State::Failed:
        return QStringLiteral("fails");
    case LabVerdict::State::NotTested:
        break;
    }
    return QStringLiteral("not tested");
}

QString keyText(const std::pair<std::string, std::string>& key) {
    return text(spellKey(key.first, key.second));
}

constexpr size_t kOrdersInTooltip = 6;

} // namespace

LabSummaryModel::LabSummaryModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void LabSummaryModel::setReport(std::shared_ptr<const PropertyLabReport> report) {
    beginResetModel();
    report_ = std::move(report);
    endResetModel();
}

int LabSummaryModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() || !report_ ? 0 : static_cast<int>(report_->strategies.size());
}

int LabSummaryModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : kPropertyColumn + static_cast<int>(kLabProperties);
}

QVariant LabSummaryModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LabStrategyResult& r = report_->strategies[static_cast<size_t>(index.row())];
    const int column = index.column();
    if (column >= kPropertyColumn) {
        const LabVerdict& v = r.verdicts[static_cast<size_t>(column - kPropertyColumn)];
        if (role == Qt::DisplayRole)
            return verdictText(v.state);
        if (role == VerdictRole)
            return static_cast<int>(v.state);
        if (role == Qt::ToolTipRole)
            return text(v.state == LabVerdict::State::Held
                            ? describeHeld(static_cast<LabProperty>(column - kPropertyColumn),
                                           report_->orders)
                            : v.why);
        return {};
    }
    if (role == Qt::ToolTipRole && !r.problem.empty())
        return QStringLiteral("Not run: %1").arg(text(r.problem));
    if (role != Qt::DisplayRole)
        return {};
    if (column == 0)
        return text(std::string(mergeStrategyTitle(r.strategy)));
    return r.problem.empty() ? QVariant(static_cast<int>(r.outcomes.size()))
                             : QVariant(QStringLiteral("not run"));
}

QVariant LabSummaryModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (role != Qt::DisplayRole || orientation == Qt::Vertical)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (section == 0)
        return QStringLiteral("Strategy");
    if (section == 1)
        return QStringLiteral("End states");
    return text(std::string(labPropertyName(static_cast<LabProperty>(section - kPropertyColumn))));
}

LabOutcomeModel::LabOutcomeModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void LabOutcomeModel::setReport(std::shared_ptr<const PropertyLabReport> report, int strategy) {
    beginResetModel();
    report_ = std::move(report);
    strategy_ =
        report_ && strategy >= 0 && static_cast<size_t>(strategy) < report_->strategies.size()
            ? strategy
            : -1;
    endResetModel();
}

const LabStrategyResult* LabOutcomeModel::result() const {
    return strategy_ < 0 ? nullptr : &report_->strategies[static_cast<size_t>(strategy_)];
}

int LabOutcomeModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() || !result() ? 0 : static_cast<int>(report_->listedKeys.size());
}

int LabOutcomeModel::columnCount(const QModelIndex& parent) const {
    if (parent.isValid() || !result())
        return 0;
    return 1 + static_cast<int>(result()->outcomes.size() * storeCount());
}

const std::string& LabOutcomeModel::cell(size_t outcome, size_t row, size_t store) const {
    return result()->outcomes[outcome].cells[row * storeCount() + store];
}

bool LabOutcomeModel::differs(size_t outcome, size_t row, size_t store) const {
    const std::string& mine = cell(outcome, row, store);
    if (mine != cell(0, row, store))
        return true;
    for (size_t s = 0; s < storeCount(); ++s)
        if (cell(outcome, row, s) != mine)
            return true;
    return false;
}

QVariant LabOutcomeModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const size_t row = static_cast<size_t>(index.row());
    if (index.column() == 0)
        return role == Qt::DisplayRole ? QVariant(keyText(report_->listedKeys[row])) : QVariant();
    const size_t column = static_cast<size_t>(index.column() - 1);
    const size_t outcome = column / storeCount(), store = column % storeCount();
    const std::string& value = cell(outcome, row, store);
    switch (role) {
    case Qt::DisplayRole:
        return value.empty() ? QStringLiteral("—") : text(value);
    case Qt::ToolTipRole:
        return QStringLiteral("End state %1: %2 holds %3 for %4")
            .arg(outcome + 1)
            .arg(text(report_->storeNames[store]),
                 value.empty() ? QStringLiteral("nothing") : text(value),
                 keyText(report_->listedKeys[row]));
    case DiffersRole:
        return differs(outcome, row, store);
    default:
        return {};
    }
}

QVariant LabOutcomeModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation == Qt::Vertical || !result() || section < 0 || section >= columnCount())
        return QAbstractTableModel::headerData(section, orientation, role);
    if (section == 0)
        return role == Qt::DisplayRole ? QVariant(QStringLiteral("Key")) : QVariant();
    const size_t column = static_cast<size_t>(section - 1);
    const size_t outcome = column / storeCount(), store = column % storeCount();
    const std::vector<std::vector<uint8_t>>& orders = result()->outcomes[outcome].orders;
    if (role == Qt::DisplayRole)
        return QStringLiteral("End %1 · %2").arg(outcome + 1).arg(text(report_->storeNames[store]));
    if (role != Qt::ToolTipRole)
        return {};
    QString tip = QStringLiteral("End state %1, reached by %2 of %3 orders:")
                      .arg(outcome + 1)
                      .arg(orders.size())
                      .arg(report_->orders);
    for (size_t i = 0; i < std::min(orders.size(), kOrdersInTooltip); ++i)
        tip += QLatin1Char('\n') + text(spellLabOrder(orders[i], report_->steps));
    if (orders.size() > kOrdersInTooltip)
        tip += QStringLiteral("\n…");
    return tip;
}

} // namespace syncscope
