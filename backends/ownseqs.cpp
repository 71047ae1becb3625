#include "ownseqs.h"

#include <unordered_set>

namespace syncscope {

namespace {
QString q(const std::string& s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}
} // namespace

bool sameWriteContent(const LogRecord& held, const LogRecord& r) {
    return held.studentId == r.studentId && held.courseId == r.courseId &&
           held.hasValue == r.hasValue && (!r.hasValue || held.value == r.value) && held.ts == r.ts;
}

std::string ownDigest(const LogRecord& r, char keySeparator) {
    std::string d;
    d.reserve(r.studentId.size() + r.courseId.size() + r.value.size() + 24);
    d.append(r.studentId).append(1, keySeparator).append(r.courseId);
    d.append(1, '\x1f').append(std::to_string(r.ts)).append(1, '\x1f');
    if (r.hasValue)
        d.append(1, 'S').append(r.value);
    else
        d.append(1, 'D');
    return d;
}

StoreError seqAlreadyTaken(const QString& store, const LogRecord& r) {
    StoreError e{store,
                 QStringLiteral("another client wrote at the same time: seq %1 of %2 is already "
                                "taken (an outside write or another Syncscope process), so the "
                                "write of (%3,%4) was refused with the rest of its batch; nothing "
                                "of the batch was written")
                     .arg(r.seq)
                     .arg(store, q(r.studentId), q(r.courseId)),
                 false};
    e.conflict = true;
    return e;
}

StoreError seqGivenTwice(const QString& store, const LogRecord& r) {
    StoreError e{store,
                 QStringLiteral("refused a batch: seq %1 of %2 is given to two writes in one "
                                "batch (the second of (%3,%4)); nothing of the batch was written")
                     .arg(r.seq)
                     .arg(store, q(r.studentId), q(r.courseId)),
                 false};
    e.conflict = true;
    return e;
}

uint64_t greatestOwnSeq(std::span<const LogRecord> batch, const std::string& self) {
    uint64_t greatest = 0;
    for (const LogRecord& r : batch)
        if (r.isWrite() && r.origin == self)
            greatest = std::max(greatest, r.seq);
    return greatest;
}

Status
checkOwnSeqs(std::span<const LogRecord> batch, const QString& store, uint64_t claimed,
             const std::function<Result<std::optional<LogRecord>>(uint64_t seq)>& heldWrite) {
    const std::string self = store.toStdString();
    std::unordered_set<uint64_t> fresh;
    for (const LogRecord& r : batch) {
        if (!r.isWrite() || r.origin != self)
            continue;
        if (r.seq > claimed) {
            if (!fresh.insert(r.seq).second)
                return seqGivenTwice(store, r);
            continue;
        }
        Result<std::optional<LogRecord>> held = heldWrite(r.seq);
        if (!held)
            return held.error();
        if (held.value() && !sameWriteContent(*held.value(), r))
            return seqAlreadyTaken(store, r);
    }
    return success();
}

} // namespace syncscope
