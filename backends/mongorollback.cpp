// MongoStore::rollbackTo: Reset in the GUI takes a MongoDB store back to an oplog position; and
// the end of a rollback a crash interrupted, which the next open finishes.
#include "mongodocuments.h"
#include "mongohandles.h"
#include "mongostore.h"

#include <map>
#include <set>

// libbson declares bson_t 128-byte aligned; GCC warns that the attribute is dropped when the
// type is a template argument, which only ever holds pointers to it here.
#pragma GCC diagnostic ignored "-Wignored-attributes"

namespace syncscope {

using namespace mongo;

// The entries after `position` go, and every key they wrote gets back what the rest of the log
// leaves it. A marker written first makes a rollback that a crash interrupted finish when the
// store next opens (by rebuilding every row from the log).
Status MongoStore::rollbackTo(int64_t position) {
    if (!h_)
        return failure(QStringLiteral("rollback"), "the store is not open");
    Result<int64_t> greatest = greatestPosition();
    if (!greatest)
        return greatest.error();
    if (position >= greatest.value())
        return success();
    if (Status s = setMetaPosition("rollback", position); !s)
        return s;
    // The keys the entries to drop wrote.
    std::set<std::pair<std::string, std::string>> touched;
    Result<std::vector<LogRecord>> dropped = readOplog(position, 0, {});
    if (!dropped)
        return dropped.error();
    for (const LogRecord& r : dropped.value())
        if (r.isWrite())
            touched.emplace(r.studentId, r.courseId);
    if (Status s = releaseOwnSeqs(dropped.value()); !s)
        return s;
    Doc filter, reply;
    positionAfter(filter.get(), position);
    bson_error_t error;
    if (!mongoc_collection_delete_many(h_->oplog.get(), filter.get(), nullptr, reply.get(), &error))
        return failure(QStringLiteral("cannot roll back"), error.message);

    // What the log left each touched key, read per chunk of students.
    std::map<std::pair<std::string, std::string>, GradeRecord> rows;
    std::vector<std::string> students;
    for (const auto& key : touched)
        if (students.empty() || students.back() != key.first)
            students.push_back(key.first);
    bool corrupt = false;
    if (!forEachEntryOfStudents(
            *h_, students,
            [&](const bson_t* d) {
                LogRecord r;
                if (!entryFrom(d, r)) {
                    corrupt = true;
                    return false;
                }
                const auto key = std::make_pair(r.studentId, r.courseId);
                if (!r.isWrite() || !touched.count(key))
                    return true;
                auto [it, added] = rows.try_emplace(key);
                if (added || writeBeats(r, it->second))
                    it->second = rowAfter(r, added ? nullptr : &it->second);
                return true;
            },
            error))
        return failure(QStringLiteral("cannot roll back"), error.message);
    if (corrupt)
        return failure(QStringLiteral("corrupt oplog"), "an entry lacks its op or key");
    Doc upsert;
    bson_append_bool(upsert.get(), "upsert", 6, true);
    Bulk bulk = unorderedBulk(*h_, h_->grades.get());
    for (const auto& key : touched) {
        Doc q;
        putKey(q.get(), "_id", key.first, key.second);
        auto row = rows.find(key);
        bool queued = false;
        if (row == rows.end()) {
            queued =
                mongoc_bulk_operation_remove_one_with_opts(bulk.get(), q.get(), nullptr, &error);
            noteRowGone(key.first, key.second);
        } else {
            Doc replacement;
            gradeFields(replacement.get(), row->second);
            queued = mongoc_bulk_operation_replace_one_with_opts(
                bulk.get(), q.get(), replacement.get(), upsert.get(), &error);
        }
        if (!queued)
            return failure(QStringLiteral("cannot roll back"), error.message);
    }
    Doc done;
    if (!touched.empty() && !mongoc_bulk_operation_execute(bulk.get(), done.get(), &error))
        return failure(QStringLiteral("cannot roll back"), error.message);
    if (Status s = setMetaPosition("applied", position); !s)
        return s;
    next_ = position + 1;
    return removeMeta("rollback");
}

// A rollback a crash interrupted: the entries after `position` go, and every row is rebuilt
// from the log.
Status MongoStore::finishRollback(int64_t position, const BatchControl& control) {
    Result<std::vector<LogRecord>> dropped = readOplog(position, 0, control);
    if (!dropped)
        return dropped.error();
    if (Status s = releaseOwnSeqs(dropped.value()); !s)
        return s;
    Doc after, all, reply;
    positionAfter(after.get(), position);
    bson_error_t error;
    if (!mongoc_collection_delete_many(h_->oplog.get(), after.get(), nullptr, reply.get(), &error))
        return failure(QStringLiteral("cannot finish an interrupted rollback"), error.message);
    Doc cleared;
    if (!mongoc_collection_delete_many(h_->grades.get(), all.get(), nullptr, cleared.get(), &error))
        return failure(QStringLiteral("cannot finish an interrupted rollback"), error.message);
    if (Status s = replayAfter(0, control); !s)
        return s;
    next_ = position + 1;
    return removeMeta("rollback");
}

} // namespace syncscope
