#pragma once

#include <QString>
#include <QtGlobal>

#include <utility>
#include <variant>

namespace syncscope {

// A store failure as a value: which store, what went wrong, and whether it was a cancellation
// asked for by the user. Errors never cross threads as exceptions (docs/architecture.md).
struct StoreError {
    QString store;
    QString message;
    bool canceled = false;
    // Another client wrote to the store at the same moment and took an identity this batch
    // needed (its origin's next seq): nothing of the batch was written, and the caller's view
    // of the store is stale. The GUI reloads the store's history; the CLI stops.
    bool conflict = false;
    // Not written because a batch it waited for (origin first, docs/crash-safety.md) failed: the
    // cause is that batch's error, which the caller has too.
    bool upstream = false;
    // The store refused the batch by a rule of its own on what it holds (a CHECK or foreign
    // key a DBA added, a trigger that raises, data the column will not take): nothing of it was
    // written, and the same batch would be refused again however long one waits. Whatever is
    // not this (a lost connection, a deadlock, a lock wait that timed out, a server shutting
    // down or full of connections) may pass on a later attempt. A follow sets such a write
    // aside instead of retrying it for ever (app/core/replicator.h).
    bool refused = false;

    QString toString() const {
        return store.isEmpty() ? message : store + QStringLiteral(": ") + message;
    }
};

// Either a T or a StoreError.
template <class T>
class Result {
public:
    Result(T value)
        : v_(std::move(value)) {}
    Result(StoreError error)
        : v_(std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    // Asking a failed result for its value is a caller's bug; it stops the process naming the
    // error it ignored (a full disk, a refused login), not with a bare std::bad_variant_access.
    T& value() {
        if (!ok())
            ignoredError();
        return std::get<0>(v_);
    }
    const T& value() const {
        if (!ok())
            ignoredError();
        return std::get<0>(v_);
    }
    const StoreError& error() const { return std::get<1>(v_); }

private:
    [[noreturn]] void ignoredError() const {
        qFatal("the value of a failed result was used: %s", qPrintable(error().toString()));
    }

    std::variant<T, StoreError> v_;
};

struct Done {};
using Status = Result<Done>;
inline Status success() {
    return Status(Done{});
}

} // namespace syncscope
