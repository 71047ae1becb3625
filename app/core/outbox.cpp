#include "outbox.h"

#include "storeworker.h"

#include <algorithm>
#include <iterator>
#include <unordered_set>

namespace syncscope {

// The unsent records as OriginFirst reads them. It walks each store's records front to back
// (jumping between stores), so each store keeps where it last was among the pieces.
class Outbox::View : public UnsentRecords {
public:
    explicit View(const std::vector<Pieces>& unsent)
        : unsent_(unsent)
        , at_(unsent.size()) {}
    size_t size(size_t store) const override { return unsent_[store].count; }
    const LogRecord& at(size_t store, size_t i) const override {
        const Pieces& p = unsent_[store];
        Place& place = at_[store];
        if (i < place.first) // never asked for in practice: the walk only goes forward
            place = {};
        // Index i counts from the first unsent record: the first piece starts at frontOffset.
        size_t pieceStart = place.first;
        size_t piece = place.piece;
        for (;;) {
            const size_t skip = piece == 0 ? p.frontOffset : 0;
            const size_t length = p.pieces[piece].size() - skip;
            if (i < pieceStart + length) {
                place = {piece, pieceStart};
                return p.pieces[piece][skip + (i - pieceStart)];
            }
            pieceStart += length;
            ++piece;
        }
    }

private:
    struct Place {
        size_t piece = 0;
        size_t first = 0; // the index of that piece's first unsent record
    };
    const std::vector<Pieces>& unsent_;
    mutable std::vector<Place> at_;
};

Outbox::Outbox(std::vector<std::string> names, std::vector<StoreWorker*> workers)
    : workers_(std::move(workers))
    , order_(std::move(names))
    , unsent_(workers_.size())
    , inFlight_(workers_.size())
    , epoch_(workers_.size(), 0)
    , taken_(workers_.size(), 0)
    , orphans_(workers_.size()) {
    for (size_t s = 0; s < workers_.size(); ++s)
        if (!workers_[s]->capabilities().outlivesProcess)
            order_.markVolatile(s);
}

void Outbox::add(size_t s, std::vector<LogRecord> piece) {
    if (piece.empty())
        return;
    unsent_[s].count += piece.size();
    unsent_[s].pieces.push_back(std::move(piece));
}

LogRecord& Outbox::addOne(size_t s, size_t expected) {
    Pieces& p = unsent_[s];
    // A piece that was partly sent is not grown: its front offset stays meaningful either
    // way, but a fresh piece keeps the pieces handed out whole in the common case.
    if (p.pieces.empty() || (p.pieces.size() == 1 && p.frontOffset > 0))
        p.pieces.emplace_back().reserve(expected);
    ++p.count;
    return p.pieces.back().emplace_back();
}

void Outbox::dropUnsent(size_t s) {
    const std::string& origin = order_.nameOf(s);
    std::unordered_set<uint64_t> dropped;
    const View view(unsent_);
    for (size_t i = 0; i < view.size(s); ++i) {
        const LogRecord& r = view.at(s, i);
        if (r.isWrite() && r.origin == origin)
            dropped.insert(r.seq);
    }
    for (size_t t = 0; t < unsent_.size() && !dropped.empty(); ++t) {
        if (t == s)
            continue;
        for (size_t i = 0; i < view.size(t); ++i) {
            const LogRecord& r = view.at(t, i);
            if (r.isWrite() && r.origin == origin && dropped.count(r.seq))
                orphans_[t].push_back(taken_[t] + i);
        }
        // Those of an earlier drop may lie further on.
        std::sort(orphans_[t].begin(), orphans_[t].end());
    }
    taken_[s] += unsent_[s].count;
    unsent_[s] = {};
}

void Outbox::forgetFailures(size_t s) {
    ++epoch_[s];
}

std::vector<std::vector<LogRecord>> Outbox::takeFront(size_t s, size_t count) {
    Pieces& p = unsent_[s];
    std::vector<std::vector<LogRecord>> out;
    p.count -= count;
    taken_[s] += count;
    while (count > 0) {
        std::vector<LogRecord>& first = p.pieces.front();
        const size_t left = first.size() - p.frontOffset;
        if (p.frontOffset == 0 && left <= count) {
            count -= left;
            out.push_back(std::move(first)); // a whole piece changes hands without a copy
            p.pieces.pop_front();
            continue;
        }
        const size_t n = std::min(left, count);
        const auto from = first.begin() + static_cast<std::ptrdiff_t>(p.frontOffset);
        out.emplace_back(std::make_move_iterator(from),
                         std::make_move_iterator(from + static_cast<std::ptrdiff_t>(n)));
        count -= n;
        p.frontOffset += n;
        if (p.frontOffset == first.size()) {
            p.pieces.pop_front();
            p.frontOffset = 0;
        }
    }
    return out;
}

namespace {
bool committed(const QFuture<Status>& f) {
    return f.isFinished() && f.resultCount() > 0 && f.result();
}
} // namespace

std::vector<QFuture<Status>> Outbox::prerequisites(const OriginFirst::Cut& cut) {
    std::vector<QFuture<Status>> after;
    // A store's batch waits for the one before it: a store writes nothing after a batch that
    // failed, so a later batch's success vouches for every earlier one (a copy waits only for
    // the batch holding its write), and what is durable in a store is always a prefix of what
    // it was sent. forgetFailures() starts a new chain.
    std::deque<InFlight>& own = inFlight_[cut.store];
    std::erase_if(own, [](const InFlight& f) { return committed(f.done); });
    if (!own.empty() && own.back().epoch == epoch_[cut.store] && !committed(own.back().done))
        after.push_back(own.back().done);
    for (const auto& [origin, seq] : cut.waitsFor) {
        std::deque<InFlight>& flying = inFlight_[origin];
        // Batches that committed are held for good; a failed one stays, so that whatever
        // copies its writes fails too.
        std::erase_if(flying, [](const InFlight& f) { return committed(f.done); });
        const auto holder =
            std::find_if(flying.begin(), flying.end(),
                         [seq = seq](const InFlight& f) { return f.lastOwnSeq >= seq; });
        if (holder != flying.end())
            after.push_back(holder->done);
    }
    return after;
}

std::vector<Outbox::Sent> Outbox::send(size_t s) {
    std::vector<Sent> sent;
    if (unsent_[s].count == 0)
        return sent;
    const std::vector<OriginFirst::Cut> cuts = order_.plan(s, View(unsent_));
    for (const OriginFirst::Cut& cut : cuts) {
        std::vector<QFuture<Status>> after = prerequisites(cut);
        // A copy of a write its origin dropped: the batch must not commit it.
        std::deque<uint64_t>& orphans = orphans_[cut.store];
        const uint64_t end = taken_[cut.store] + cut.count;
        if (!orphans.empty() && orphans.front() < end) {
            while (!orphans.empty() && orphans.front() < end)
                orphans.pop_front();
            StoreError dropped{QString(), QStringLiteral("a write it copies was dropped from its "
                                                         "origin's queue after a conflict")};
            dropped.conflict = true;
            after.push_back(QtFuture::makeReadyFuture(Status(std::move(dropped))));
        }
        std::vector<std::vector<LogRecord>> pieces = takeFront(cut.store, cut.count);
        QFuture<Status> done = workers_[cut.store]->append(std::move(pieces), std::move(after));
        inFlight_[cut.store].push_back({cut.ownSeq, done, epoch_[cut.store]});
        sent.push_back({cut.store, cut.count, done});
    }
    return sent;
}

} // namespace syncscope
