#pragma once
// The tests' own MongoDB client, beside the store: plants and reads raw documents, as another
// program (mongosh) would.
#include <mongoc/mongoc.h>

#include <QString>
#include <QtGlobal>

#include <string>

namespace lab {

// The test's own client on the database of `uri`, for planting and reading raw documents.
class RawDatabase {
public:
    explicit RawDatabase(const QString& uri) {
        mongoc_init();
        const std::string text = uri.toStdString();
        client_ = mongoc_client_new(text.c_str());
        mongoc_client_set_error_api(client_, MONGOC_ERROR_API_VERSION_2);
        mongoc_uri_t* parsed = mongoc_uri_new(text.c_str());
        database_ = mongoc_uri_get_database(parsed);
        mongoc_uri_destroy(parsed);
    }
    ~RawDatabase() { mongoc_client_destroy(client_); }
    RawDatabase(const RawDatabase&) = delete;
    RawDatabase& operator=(const RawDatabase&) = delete;

    // Runs a command given as JSON (in the URI's database, or `db`); the server's reply, or its
    // error in `error`.
    QString command(const char* json, QString* error = nullptr, const char* db = nullptr) {
        bson_error_t e;
        bson_t* cmd = bson_new_from_json(reinterpret_cast<const uint8_t*>(json), -1, &e);
        if (!cmd)
            qFatal("bad JSON in the test: %s", e.message);
        const QString out = command(cmd, error, db);
        bson_destroy(cmd);
        return out;
    }
    // The same for a command built as BSON (one JSON cannot say: too deep, too large).
    QString command(const bson_t* cmd, QString* error = nullptr, const char* db = nullptr) {
        bson_error_t e;
        bson_t reply;
        const bool ok = mongoc_client_command_simple(client_, db ? db : database_.c_str(), cmd,
                                                     nullptr, &reply, &e);
        char* text = bson_as_relaxed_extended_json(&reply, nullptr);
        const QString out = QString::fromUtf8(text);
        bson_free(text);
        bson_destroy(&reply);
        if (error)
            *error = ok ? QString()
                        : QStringLiteral("%1: %2").arg(e.code).arg(QString::fromUtf8(e.message));
        return out;
    }

private:
    mongoc_client_t* client_ = nullptr;
    std::string database_;
};

} // namespace lab
