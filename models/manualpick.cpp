#include "manualpick.h"

#include "catalog.h"
#include "interner.h"

namespace syncscope {

ManualChoices internPicks(Catalog& catalog, const ManualPicks& picks) {
    ManualChoices choices;
    for (const auto& [key, pick] : picks) {
        const KeyId k = catalog.findKey(key.first.toStdString(), key.second.toStdString());
        if (k == StringInterner::npos)
            continue;
        ManualChoice c;
        c.kind = pick.kind;
        c.store = pick.store;
        c.value = pick.kind == ManualChoice::Kind::TypeValue && !pick.value.isNull()
                      ? catalog.internValue(pick.value.toStdString())
                      : kTombstone;
        c.note = pick.note.toStdString();
        choices[k] = std::move(c);
    }
    return choices;
}

QString describePick(const ManualPick& pick, const QString& storeName) {
    switch (pick.kind) {
    case ManualChoice::Kind::KeepTarget:
        return QStringLiteral("keep the target's");
    case ManualChoice::Kind::TakeStore:
        return QStringLiteral("take %1's").arg(storeName);
    case ManualChoice::Kind::TypeValue:
        return pick.value.isNull() ? QStringLiteral("delete")
                                   : QStringLiteral("type %1").arg(pick.value);
    }
    return {};
}

} // namespace syncscope
