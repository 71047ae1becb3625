#pragma once

#include "catalog.h"
#include "commandexecutor.h"
#include "script.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace syncscope {

// A valid, bound script in the form a long run executes: 32 bytes a command, each distinct key
// and value once, the script's text and parsed lines no longer needed. A million-line script is
// about 90 MB parsed (text and lines) and about 35 MB like this, and a run interns each distinct
// key in its catalog once rather than once a line. syncscope-cli keeps it for every attempt of a
// run (a run refused as a conflict starts over).
class CompactScript {
public:
    // `storeOfName`: Script::names index -> replica index (StoreBinding::storeOfName).
    CompactScript(const Script& script, const std::vector<size_t>& storeOfName);

    struct Step {
        int64_t ts = 0;
        uint32_t key = 0;       // SET/GET/DELETE: index of its key (studentId/courseId)
        uint32_t value = 0;     // SET: index of its value
        uint32_t syncFirst = 0; // FULL_SYNC(S1,...): its first replica in syncStores()
        uint32_t line = 0;      // 1-based, for messages
        uint16_t store = 0;     // replica of a SET/GET/DELETE/MERGE
        uint16_t source = 0;    // MERGE: the source replica
        uint16_t syncCount = 0; // FULL_SYNC(S1,...): how many replicas; 0: every store
        Op op = Op::Set;
        bool explicitTs = false;
    };

    const std::vector<Step>& steps() const { return steps_; }

    // docs/script-language.md: a SET, GET or DELETE without a timestamp gets one more than the
    // greatest used so far in the run or held by any write in the run's stores when it started. The
    // parser counted as for empty stores; when the stores hold writes, this counts again from
    // `held`, their greatest ts (each explicit timestamp still counts). Returns 0, or the line
    // whose timestamp would pass the 64-bit range.
    uint32_t continueAfter(int64_t held);
    size_t keyCount() const { return keys_.size(); }
    size_t valueCount() const { return values_.size(); }
    std::string_view studentId(uint32_t key) const {
        return std::string_view(keys_[key]).substr(0, keys_[key].find('\n'));
    }
    std::string_view courseId(uint32_t key) const {
        return std::string_view(keys_[key]).substr(keys_[key].find('\n') + 1);
    }
    std::string_view value(uint32_t v) const { return values_[v]; }
    // Each FULL_SYNC(S1,...)'s replicas, ascending and once each, one list after another.
    const std::vector<size_t>& syncStores() const { return syncStores_; }

    // A run's view of the script: each step as the executor takes it, its key and value
    // interned in the run's catalog when first used (once each, whatever the line count).
    class Resolver {
    public:
        Resolver(const CompactScript& script, Catalog& catalog);
        CommandExecutor::Resolved operator()(const Step& step);

    private:
        const CompactScript& script_;
        Catalog& catalog_;
        std::vector<KeyId> keys_;
        std::vector<ValueId> values_;
    };

private:
    std::vector<Step> steps_;
    std::vector<std::string> keys_; // "student\ncourse": '\n' is in no identifier
    std::vector<std::string> values_;
    std::vector<size_t> syncStores_;
};

} // namespace syncscope
