// SqlStore's schema: created (with its upgrades and the owner's name) by a store that writes,
// only checked by a store that is read (verify), which must change nothing.
#include "sqlstore.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace syncscope {

// The tables, triggers and upgrades, and the owner's name, under the schema lock where the
// engine has one; the lock is given back whatever happens.
Status SqlStore::createSchema() {
    QSqlDatabase db = QSqlDatabase::database(connection_, false);
    if (!dialect_.lockSchema.isEmpty()) {
        QSqlQuery lock(db);
        if (!lock.exec(dialect_.lockSchema) || !lock.next())
            return error(QStringLiteral("cannot lock the schema"), lock.lastError().text());
        if (lock.value(0).toInt() != 1)
            return error(QStringLiteral("cannot lock the schema"),
                         QStringLiteral("another client held it for 60 s"));
    }
    Status made = refuseForeignGrades();
    for (const QString& sql : made ? dialect_.schema : QStringList())
        if (made = exec(sql); !made)
            break;
    if (made)
        made = upgradeSchema();
    if (made)
        made = checkOwner();
    if (!dialect_.unlockSchema.isEmpty())
        QSqlQuery(db).exec(dialect_.unlockSchema);
    return made;
}

// Each column added since the first release that the database lacks is added; a store only
// read is refused instead (adding it would be a write).
Status SqlStore::upgradeSchema() {
    for (const SqlDialect::Upgrade& upgrade : dialect_.upgrades) {
        QSqlQuery probe(QSqlDatabase::database(connection_, false));
        if (!probe.exec(upgrade.probe) || !probe.next())
            return error(QStringLiteral("cannot inspect the schema"), probe.lastError().text());
        if (probe.value(0).toLongLong() != 0 || (readOnly_ && !upgrade.neededToRead))
            continue;
        if (readOnly_)
            return error(QStringLiteral("cannot read the store"),
                         QStringLiteral("%1 was written by an older Syncscope; open it once to "
                                        "write (a run of an empty script) so it is upgraded")
                             .arg(options_.location));
        if (Status s = exec(upgrade.statement); !s)
            return s;
    }
    return success();
}

// One database holds one store: refuse to open another store's tables under this name, which
// would mix two stores' histories. A store only read claims no name: it must find its own.
Status SqlStore::checkOwner() {
    QSqlDatabase db = QSqlDatabase::database(connection_, false);
    if (!readOnly_) {
        QSqlQuery q(db);
        q.prepare(dialect_.claimStoreName);
        q.addBindValue(options_.name);
        if (!q.exec())
            return error(QStringLiteral("cannot record the store name"), q.lastError().text());
    }
    QSqlQuery owner(db);
    if (!owner.exec(dialect_.readStoreName) || !owner.next()) {
        const QString why = owner.lastError().isValid() ? owner.lastError().text()
                                                        : QStringLiteral("no store name");
        if (readOnly_)
            return error(QStringLiteral("cannot read the store"),
                         QStringLiteral("%1 holds no Syncscope store (%2); a store only read is "
                                        "not made")
                             .arg(options_.location, why));
        return error(QStringLiteral("cannot read the store name"), why);
    }
    const QString holder = owner.value(0).toString();
    if (holder != options_.name)
        return heldByAnotherStore(options_.location, holder, options_.name);
    return success();
}

// What a store only read needs and must not create: its own name recorded, and every column
// the reads expect.
Status SqlStore::checkSchemaToRead() {
    if (Status s = checkOwner(); !s)
        return s;
    return upgradeSchema();
}

} // namespace syncscope
