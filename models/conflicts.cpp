#include "conflicts.h"

#include <stdexcept>

namespace syncscope {

KeyConflict classifyKey(KeyId key, std::span<const StoreState* const> states,
                        const CausalContexts& contexts, const WriteOrder& order) {
    KeyConflict c;
    c.key = key;
    const Write* best = nullptr;
    for (size_t i = 0; i < states.size(); ++i) {
        const Write& w = states[i]->at(key);
        if (w.isNone()) {
            c.absent |= 1u << i;
            continue;
        }
        if (w.isTombstone())
            c.deleted |= 1u << i;
        if (best == nullptr || order.less(*best, w)) {
            best = &w;
            c.winner = static_cast<uint8_t>(i);
        }
    }
    if (best == nullptr)
        return c; // nobody has the key: identical (and not listed)
    for (size_t i = 0; i < states.size(); ++i) {
        const Write& w = states[i]->at(key);
        if (w.isNone() || w.sameWrite(*best)) {
            if (w.isNone())
                c.differs |= 1u << i;
            continue;
        }
        c.differs |= 1u << i;
        if (!contexts.follows(*best, w))
            c.discarded |= 1u << i;
    }
    if (c.differs == 0)
        c.kind = ConflictKind::Identical;
    else if (c.differs == c.absent)
        c.kind = ConflictKind::Missing;
    else if (c.discarded == 0)
        c.kind = ConflictKind::FastForward;
    else
        c.kind = ConflictKind::Concurrent;
    return c;
}

ConflictReport classifyConflicts(std::span<const StoreState* const> states, size_t keyCount,
                                 const CausalContexts& contexts, const WriteOrder& order) {
    if (states.size() > kMaxConflictStores)
        throw std::invalid_argument("classifyConflicts: more than 32 stores");
    ConflictReport report;
    if (states.empty())
        return report;
    for (size_t k = 0; k < keyCount; ++k) {
        const KeyId key = static_cast<KeyId>(k);
        // The common case first: every store holds the same write (one compare per store).
        const Write& first = states[0]->at(key);
        bool same = true;
        for (size_t i = 1; same && i < states.size(); ++i)
            same = states[i]->at(key).sameWrite(first);
        if (same) {
            if (!first.isNone())
                ++report.counts[static_cast<size_t>(ConflictKind::Identical)];
            continue;
        }
        const KeyConflict c = classifyKey(key, states, contexts, order);
        ++report.counts[static_cast<size_t>(c.kind)];
        report.keys.push_back(c);
    }
    return report;
}

std::vector<StaleRead> findStaleReads(const Oplog& log, size_t logBase, const WriteOrder& order) {
    // Per key: the store's state as the log builds it, and the write that arrived last.
    struct Seen {
        Write state;
        Write last;
    };
    std::vector<Seen> seen;
    std::vector<StaleRead> out;
    for (size_t i = 0; i < log.size(); ++i) {
        const OplogEntry& e = log[i];
        const KeyId k = e.write.key;
        if (k >= seen.size())
            seen.resize(static_cast<size_t>(k) + 1 + seen.size() / 2);
        Seen& s = seen[k];
        if (e.isWrite()) {
            if (order.beats(e.write, s.state))
                s.state = e.write;
            s.last = e.write;
            continue;
        }
        if (!s.last.isNone() && !s.last.sameWrite(s.state))
            out.push_back({logBase + i, e.write, s.state, s.last});
    }
    return out;
}

} // namespace syncscope
