#include "auditchain.h"

#include <openssl/evp.h>

namespace syncscope {

// The digest and its context are fetched once and reused: a fetch per entry cost as much as
// the hashing itself.
struct AuditHasher::Digest {
    EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    ~Digest() {
        EVP_MD_CTX_free(context);
        EVP_MD_free(sha256);
    }
};

AuditHasher::AuditHasher()
    : digest_(std::make_unique<Digest>()) {}

AuditHasher::~AuditHasher() = default;

bool AuditHasher::available() const {
    return digest_->sha256 != nullptr && digest_->context != nullptr;
}

std::optional<std::array<char, 64>> AuditHasher::hexDigest(const AuditHashInput& input) {
    unsigned char md[32];
    unsigned int size = 0;
    const QByteArrayView bytes = input.bytes();
    if (!available() || EVP_DigestInit_ex(digest_->context, digest_->sha256, nullptr) != 1 ||
        EVP_DigestUpdate(digest_->context, bytes.data(), static_cast<size_t>(bytes.size())) != 1 ||
        EVP_DigestFinal_ex(digest_->context, md, &size) != 1 || size != sizeof md)
        return std::nullopt;
    static constexpr char kHex[] = "0123456789abcdef";
    std::array<char, 64> hex;
    for (size_t i = 0; i < sizeof md; ++i) {
        hex[2 * i] = kHex[md[i] >> 4];
        hex[2 * i + 1] = kHex[md[i] & 0xf];
    }
    return hex;
}

QString AuditHasher::hash(const AuditEntry& e) {
    input_.encode(e);
    const std::optional<std::array<char, 64>> hex = hexDigest(input_);
    return hex ? QString::fromLatin1(hex->data(), static_cast<qsizetype>(hex->size())) : QString();
}

void continueAuditChain(AuditChainCheck& check, const std::vector<AuditEntry>& entries) {
    AuditHasher hasher;
    for (const AuditEntry& e : entries) {
        if (!check.ok())
            return;
        const int64_t expected = check.lastId + 1;
        if (e.id != expected)
            check.problem =
                QStringLiteral("entry %1 is missing (the next one is %2)").arg(expected).arg(e.id);
        else if (e.prevHash != check.lastHash)
            check.problem =
                QStringLiteral("entry %1 does not link to entry %2: an entry was removed or "
                               "replaced")
                    .arg(e.id)
                    .arg(check.lastId);
        else if (const QString hash = hasher.hash(e); hash.isNull())
            check.problem =
                QStringLiteral("entry %1 could not be hashed: OpenSSL's SHA-256 failed").arg(e.id);
        else if (hash != e.hash)
            check.problem =
                QStringLiteral("entry %1 was changed after it was written (its hash no longer "
                               "matches its fields)")
                    .arg(e.id);
        if (!check.problem.isEmpty()) {
            check.brokenAt = expected;
            return;
        }
        check.lastId = e.id;
        check.lastHash = e.hash;
        ++check.checked;
    }
}

} // namespace syncscope
