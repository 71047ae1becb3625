#include "scram.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <vector>

namespace mongopeer {

namespace {
// mongod's defaults: scramSHA256IterationCount and scramIterationCount (SHA-1)
int iterationsOf(const std::string& mechanism) {
    return mechanism == "SCRAM-SHA-256" ? 15000 : 10000;
}

using Bytes = std::string;

std::string base64(const Bytes& in) {
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(in.data()),
                                  static_cast<int>(in.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}

std::optional<Bytes> unbase64(const std::string& in) {
    if (in.size() % 4)
        return std::nullopt;
    Bytes out(in.size() / 4 * 3 + 1, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(in.data()),
                                  static_cast<int>(in.size()));
    if (n < 0)
        return std::nullopt;
    size_t size = static_cast<size_t>(n);
    for (size_t i = in.size(); i > 0 && in[i - 1] == '='; --i)
        --size; // EVP_DecodeBlock counts the padding as bytes
    out.resize(size);
    return out;
}

// The value of `key`= in a SCRAM message ("a=1,b=2").
std::string attribute(const std::string& message, char key) {
    size_t at = 0;
    while (at < message.size()) {
        const size_t end = message.find(',', at);
        const std::string part = message.substr(at, end == std::string::npos ? end : end - at);
        if (part.size() >= 2 && part[0] == key && part[1] == '=')
            return part.substr(2);
        if (end == std::string::npos)
            break;
        at = end + 1;
    }
    return {};
}

const EVP_MD* digestOf(const std::string& mechanism) {
    return mechanism == "SCRAM-SHA-256" ? EVP_sha256() : EVP_sha1();
}

Bytes hmac(const EVP_MD* md, const Bytes& key, const Bytes& data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    HMAC(md, key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &n);
    return Bytes(reinterpret_cast<char*>(out), n);
}

Bytes hash(const EVP_MD* md, const Bytes& data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data.data(), data.size(), out, &n, md, nullptr);
    return Bytes(reinterpret_cast<char*>(out), n);
}

std::string hex(const Bytes& b) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : b) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}
} // namespace

std::string ScramConversation::userOf(const std::string& clientFirst) {
    // gs2 header "n,," then the bare message "n=<user>,r=<nonce>"
    const size_t bare = clientFirst.find(",,");
    return bare == std::string::npos ? std::string() : attribute(clientFirst.substr(bare + 2), 'n');
}

std::optional<std::string> ScramConversation::start(const std::string& clientFirst) {
    const size_t bare = clientFirst.find(",,");
    if (clientFirst.rfind("n,", 0) != 0 || bare == std::string::npos)
        return std::nullopt;
    clientFirstBare_ = clientFirst.substr(bare + 2);
    const std::string clientNonce = attribute(clientFirstBare_, 'r');
    if (clientNonce.empty())
        return std::nullopt;
    // mongod's salt is the digest's size less 4 bytes (16 for SHA-1, 28 for SHA-256), and
    // libmongoc checks it is.
    unsigned char random[24], salt[EVP_MAX_MD_SIZE];
    const int saltSize = EVP_MD_get_size(digestOf(mechanism_)) - 4;
    RAND_bytes(random, sizeof random);
    RAND_bytes(salt, saltSize);
    nonce_ = clientNonce + base64(Bytes(reinterpret_cast<char*>(random), sizeof random));
    salt_ = Bytes(reinterpret_cast<char*>(salt), static_cast<size_t>(saltSize));
    serverFirst_ =
        "r=" + nonce_ + ",s=" + base64(salt_) + ",i=" + std::to_string(iterationsOf(mechanism_));
    return serverFirst_;
}

std::optional<std::string> ScramConversation::finish(const std::string& clientFinal) {
    const size_t proofAt = clientFinal.rfind(",p=");
    if (!user_ || proofAt == std::string::npos || attribute(clientFinal, 'r') != nonce_)
        return std::nullopt;
    const auto proof = unbase64(clientFinal.substr(proofAt + 3));
    const EVP_MD* md = digestOf(mechanism_);
    const std::string secret =
        mechanism_ == "SCRAM-SHA-256"
            ? user_->password
            : hex(hash(EVP_md5(), user_->name + ":mongo:" + user_->password));
    unsigned char salted[EVP_MAX_MD_SIZE];
    const int size = EVP_MD_get_size(md);
    PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                      reinterpret_cast<const unsigned char*>(salt_.data()),
                      static_cast<int>(salt_.size()), iterationsOf(mechanism_), md, size, salted);
    const Bytes saltedPassword(reinterpret_cast<char*>(salted), static_cast<size_t>(size));
    const Bytes clientKey = hmac(md, saltedPassword, "Client Key");
    const Bytes storedKey = hash(md, clientKey);
    const std::string authMessage =
        clientFirstBare_ + "," + serverFirst_ + "," + clientFinal.substr(0, proofAt);
    const Bytes clientSignature = hmac(md, storedKey, authMessage);
    if (!proof || proof->size() != clientSignature.size())
        return std::nullopt;
    Bytes recovered(clientSignature.size(), '\0');
    for (size_t i = 0; i < recovered.size(); ++i)
        recovered[i] = static_cast<char>((*proof)[i] ^ clientSignature[i]);
    if (hash(md, recovered) != storedKey)
        return std::nullopt;
    const Bytes serverKey = hmac(md, saltedPassword, "Server Key");
    return "v=" + base64(hmac(md, serverKey, authMessage));
}

} // namespace mongopeer
