#pragma once
// The server's side of SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802, RFC 7677) as mongod runs them
// over saslStart / saslContinue: the client's first message, the server's with a nonce, salt
// and iteration count, then the client's proof checked and the server's signature sent back.
// SCRAM-SHA-1 hashes MongoDB's digest of the password (MD5 of "user:mongo:password"); the
// peer's passwords are ASCII, which SASLprep leaves as they are.
#include <optional>
#include <string>

namespace mongopeer {

struct User {
    std::string name, password, db = "admin";
};

class ScramConversation {
public:
    ScramConversation(std::string mechanism, const User* user) // user: null when unknown
        : mechanism_(std::move(mechanism))
        , user_(user) {}
    // The server's first message for the client's; nothing when it is not SCRAM's.
    std::optional<std::string> start(const std::string& clientFirst);
    // The server's final message (v=…) when the proof holds; nothing when it does not.
    std::optional<std::string> finish(const std::string& clientFinal);
    static std::string userOf(const std::string& clientFirst); // n=<name>

private:
    std::string mechanism_;
    const User* user_;
    std::string clientFirstBare_, serverFirst_, nonce_, salt_;
};

} // namespace mongopeer
