#pragma once

#include "auditentry.h"

#include <array>
#include <memory>
#include <optional>
#include <vector>

namespace syncscope {

// Hashes audit entries as the chain's format says (AuditHashInput). SHA-256 is OpenSSL's: it
// uses the CPU's SHA instructions, where Qt's portable one spent more time hashing a
// million-key merge's audit rows than the store spent writing the merge (2.6 s against 0.3 s
// for a million 300-byte rows on the machine it was measured on). One hasher per thread.
class AuditHasher {
public:
    AuditHasher();
    ~AuditHasher();
    AuditHasher(const AuditHasher&) = delete;
    AuditHasher& operator=(const AuditHasher&) = delete;

    // False when OpenSSL offers no SHA-256 (a broken installation): nothing can be hashed.
    bool available() const;
    // The hash of the entry `input` holds, as 64 lower-case hex digits; nullopt when OpenSSL
    // fails.
    std::optional<std::array<char, 64>> hexDigest(const AuditHashInput& input);
    // The same for an entry, as the file stores it; a null string when OpenSSL fails.
    QString hash(const AuditEntry& e);

private:
    struct Digest;
    std::unique_ptr<Digest> digest_;
    AuditHashInput input_;
};

// Checks entries that follow the ones `check` already covered (a fresh check: from id 1). An
// entry that cannot be hashed stops the check there, saying so.
void continueAuditChain(AuditChainCheck& check, const std::vector<AuditEntry>& entries);

} // namespace syncscope
