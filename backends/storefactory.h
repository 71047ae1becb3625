#pragma once

#include "store.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace syncscope {

// One connection setting of a backend, as the store dialog offers it: a part of the URI (host,
// port, database, user) or one of its query options.
struct BackendOption {
    enum class Part { Host, Port, Database, User, Query };
    Part part = Part::Query;
    QString key;         // the query option's name (Part::Query)
    QString label;       // for the dialog
    QString placeholder; // what an empty field means (the default)
    QStringList choices; // a closed set of values; empty: free text
    bool isFile = false; // a file's path: the dialog offers a file chooser beside the field
};

// One backend kind as the UI and the CLI see it: URI scheme, what it is, how a URI looks (a
// connection dialog is generated from this list).
struct BackendDescription {
    QString scheme;
    QString kind;
    QString uriExample;
    // The settings the dialog offers as fields, in order. Empty where the URI is not a plain
    // URL the fields could rebuild (SQLite's file path; MongoDB's list of hosts): the URI only.
    QList<BackendOption> options;
};

// Builds stores from workspace URIs (docs/backends.md).
class StoreFactory {
public:
    static const QList<BackendDescription>& backends();

    // Checks a URI without connecting: empty when this build can open it, else why not.
    static QString checkUri(const QString& uri);

    // Whether `target` can run T.MERGE(source) inside its own engine (Store::mergeInside):
    // empty when it can, else why not, in words for the merge dialog.
    static QString mergeInsideProblem(const StoreDescription& target,
                                      const StoreDescription& source);

    // A store named `name` at `uri`; an empty URI means the embedded default (SQLite in memory).
    // A server's password: `password` when given (the GUI's keychain), else the environment's
    // SYNCSCOPE_PASSWORD_<NAME>; never the URI.
    static Result<std::unique_ptr<Store>> create(const QString& name, const QString& uri,
                                                 const QString& password = QString());
    static QString passwordFromEnvironment(const QString& storeName);
    // Whether a store at `uri` logs in to a server, so a password may be asked for it.
    static bool takesPassword(const QString& uri);
    // Drops every Qt Sql connection still registered, while the application object lives.
    // QtSql's own clean-up at exit (a post routine of QCoreApplication's destructor) was seen,
    // rarely, to spin for good when one was left; a program calls this once its stores are
    // closed, just before it returns from main().
    static void releaseSqlConnections();

private:
    static Result<std::unique_ptr<Store>> createWithoutPassword(const QString& name,
                                                                const QString& uri);
};

} // namespace syncscope
