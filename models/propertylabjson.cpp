#include "propertylabjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace syncscope {

namespace {

QString text(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QJsonObject verdictJson(const LabVerdict& v) {
    QJsonObject o;
    switch (v.state) {
    case LabVerdict::State::Held:
        o[QStringLiteral("verdict")] = QStringLiteral("held");
        break;
    case LabVerdict::State::Failed:
        o[QStringLiteral("verdict")] = QStringLiteral("fails");
        break;
    case LabVerdict::State::NotTested:
        o[QStringLiteral("verdict")] = QStringLiteral("not tested");
        break;
    }
    if (!v.why.empty())
        o[QStringLiteral("why")] = text(v.why);
    return o;
}

QJsonObject outcomeJson(const LabOutcome& outcome, const PropertyLabReport& report) {
    QJsonArray orders;
    for (const std::vector<uint8_t>& order : outcome.orders) {
        QJsonArray steps;
        for (uint8_t i : order)
            steps.append(text(report.steps[i]));
        orders.append(steps);
    }
    QJsonObject values;
    const size_t stores = report.storeNames.size();
    for (size_t s = 0; s < stores; ++s) {
        QJsonArray column;
        for (size_t row = 0; row < report.listedKeys.size(); ++row) {
            const std::string& cell = outcome.cells[row * stores + s];
            column.append(cell.empty() ? QJsonValue() : QJsonValue(text(cell)));
        }
        values[text(report.storeNames[s])] = column;
    }
    QJsonObject o;
    o[QStringLiteral("orders")] = orders;
    o[QStringLiteral("converged")] = outcome.converged;
    o[QStringLiteral("values")] = values;
    return o;
}

} // namespace

std::string propertyLabJson(const PropertyLabReport& report) {
    QJsonObject root;
    QJsonArray stores, steps, keys, strategies;
    for (const std::string& s : report.storeNames)
        stores.append(text(s));
    for (const std::string& s : report.steps)
        steps.append(text(s));
    for (const auto& [sid, cid] : report.listedKeys)
        keys.append(QJsonArray{text(sid), text(cid)});
    for (const LabStrategyResult& r : report.strategies) {
        QJsonObject s;
        s[QStringLiteral("strategy")] = text(mergeStrategyId(r.strategy));
        if (!r.problem.empty())
            s[QStringLiteral("problem")] = text(r.problem);
        QJsonObject properties;
        for (size_t p = 0; p < kLabProperties; ++p)
            properties[text(labPropertyName(static_cast<LabProperty>(p)))] =
                verdictJson(r.verdicts[p]);
        s[QStringLiteral("properties")] = properties;
        QJsonArray outcomes;
        for (const LabOutcome& o : r.outcomes)
            outcomes.append(outcomeJson(o, report));
        s[QStringLiteral("end_states")] = outcomes;
        strategies.append(s);
    }
    root[QStringLiteral("stores")] = stores;
    root[QStringLiteral("merges")] = steps;
    root[QStringLiteral("orders")] = static_cast<qint64>(report.orders);
    root[QStringLiteral("lab_keys")] = static_cast<qint64>(report.labKeys);
    root[QStringLiteral("differing_keys")] = static_cast<qint64>(report.differingKeys);
    root[QStringLiteral("listed_keys")] = keys;
    root[QStringLiteral("strategies")] = strategies;
    return QJsonDocument(root).toJson(QJsonDocument::Indented).toStdString();
}

} // namespace syncscope
