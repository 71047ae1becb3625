#pragma once

#include "store.h"

namespace syncscope {

// Stands in for a store whose URI the factory refused, so the window can still hold it as it
// holds a store it cannot reach: a panel that says why, lines naming it refused at the name,
// and every other part of the program given a worker like any other. Each call fails with the
// refusal (whose text shows the URI without a password); Edit Store is the way out.
class RefusedStore : public Store {
public:
    RefusedStore(StoreDescription description, StoreError why)
        : description_(std::move(description))
        , why_(std::move(why)) {}

    StoreDescription description() const override { return description_; }
    // What a store it could be would promise matters to no one: nothing reaches it.
    StoreCapabilities capabilities() const override { return {}; }
    Status open() override { return why_; }
    void close() override {}
    Status append(std::span<const LogRecord>, const BatchControl&) override { return why_; }
    Result<std::vector<LogRecord>> readOplog(int64_t, size_t, const BatchControl&) override {
        return why_;
    }
    Result<std::vector<GradeRecord>> readGrades(const GradeCursor&, size_t,
                                                const BatchControl&) override {
        return why_;
    }
    Result<std::optional<GradeRecord>> readKey(const std::string&, const std::string&) override {
        return why_;
    }
    Result<StoreCounts> counts() override { return why_; }
    Status rollbackTo(int64_t) override { return why_; }
    size_t batchSize() const override { return 1; }

private:
    StoreDescription description_;
    StoreError why_;
};

} // namespace syncscope
