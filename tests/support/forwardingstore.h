#pragma once
// A Store that hands every call to another one: tests derive from it and override the calls
// they make fail (an append refused, an acknowledgement lost) around a real store.
#include "store.h"

#include <memory>

namespace syncscope {

class ForwardingStore : public Store {
public:
    explicit ForwardingStore(std::unique_ptr<Store> inner)
        : inner_(std::move(inner)) {}

    StoreDescription description() const override { return inner_->description(); }
    StoreCapabilities capabilities() const override { return inner_->capabilities(); }
    Status open() override { return inner_->open(); }
    void close() override { inner_->close(); }
    Status append(std::span<const LogRecord> records, const BatchControl& control) override {
        return inner_->append(records, control);
    }
    Result<std::vector<LogRecord>> readOplog(int64_t after, size_t limit,
                                             const BatchControl& control) override {
        return inner_->readOplog(after, limit, control);
    }
    Result<std::vector<GradeRecord>> readGrades(const GradeCursor& after, size_t limit,
                                                const BatchControl& control) override {
        return inner_->readGrades(after, limit, control);
    }
    Result<std::optional<GradeRecord>> readKey(const std::string& s,
                                               const std::string& c) override {
        return inner_->readKey(s, c);
    }
    Result<StoreCounts> counts() override { return inner_->counts(); }
    Result<std::vector<UnaccountedRow>> unaccountedRows(const BatchControl& control) override {
        return inner_->unaccountedRows(control);
    }
    Status rollbackTo(int64_t position) override { return inner_->rollbackTo(position); }
    size_t batchSize() const override { return inner_->batchSize(); }

protected:
    Store& inner() { return *inner_; }

private:
    std::unique_ptr<Store> inner_;
};

} // namespace syncscope
