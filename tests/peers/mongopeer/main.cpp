// mongopeer: a MongoDB wire-protocol server keeping documents in memory, for Syncscope's tests
// only (by default a standalone server of wire version 17, without users or sessions).
//   mongopeer [--port N] [--delay-ms N] [--replica-set NAME] [--wire-version N]
//             [--transaction-lifetime-s N]
//             [--user NAME:PASSWORD[@DB]]... [--exit-with-stdin]
// Prints "PORT <n>" once it listens (port 0: any free one), then serves until SIGTERM, SIGINT
// or, with --exit-with-stdin, the end of its standard input. --delay-ms holds every answer but
// the handshake's, for the tests of timeouts and cancel. --replica-set plays the primary of a
// one-member replica set: sessions, retryable writes and multi-document transactions.
// --wire-version sets the maxWireVersion hello announces, to play an older server.
// --transaction-lifetime-s is mongod's transactionLifetimeLimitSeconds (default 60). Each --user
// adds a user of DB (admin when not given) who logs in with SCRAM-SHA-256 or SCRAM-SHA-1; with
// any, every command but the handshake, ping and the login itself needs a logged-in connection
// (code 13).
#include "database.h"
#include "wire.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {
int usage(const char* why) {
    std::fprintf(stderr,
                 "mongopeer: %s\nusage: mongopeer [--port N] [--delay-ms N] "
                 "[--replica-set NAME] [--wire-version N] [--transaction-lifetime-s N] "
                 "[--user NAME:PASSWORD[@DB]] "
                 "[--exit-with-stdin]\n",
                 why);
    return 2;
}
} // namespace

int main(int argc, char** argv) {
    int port = 0, wireVersion = 17, transactionLifetimeS = 60;
    bool exitWithStdin = false;
    std::string replicaSet;
    mongopeer::ConnectionOptions options;
    std::vector<mongopeer::User> users;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--exit-with-stdin") {
            exitWithStdin = true;
            continue;
        }
        if (i + 1 >= argc)
            return usage(("missing a value after " + arg).c_str());
        const std::string text = argv[++i];
        const int value = std::atoi(text.c_str());
        if (arg == "--replica-set")
            replicaSet = text;
        else if (arg == "--port")
            port = value;
        else if (arg == "--user") {
            const size_t colon = text.find(':');
            const size_t at = text.rfind('@');
            if (colon == std::string::npos || colon == 0)
                return usage("--user takes NAME:PASSWORD[@DB]");
            mongopeer::User user;
            user.name = text.substr(0, colon);
            const bool hasDb = at != std::string::npos && at > colon;
            user.password = text.substr(colon + 1, (hasDb ? at : text.size()) - colon - 1);
            if (hasDb)
                user.db = text.substr(at + 1);
            users.push_back(user);
        } else if (arg == "--transaction-lifetime-s")
            transactionLifetimeS = value;
        else if (arg == "--wire-version")
            wireVersion = value;
        else if (arg == "--delay-ms")
            options.delayMs = value;
        else
            return usage(("unknown option " + arg).c_str());
    }
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    const int yes = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    socklen_t length = sizeof address;
    if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener, 64) != 0 ||
        ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        std::perror("mongopeer: cannot listen");
        return 1;
    }
    std::printf("PORT %d\n", ntohs(address.sin_port));
    std::fflush(stdout);
    if (exitWithStdin)
        std::thread([] {
            char buffer[256];
            while (std::fread(buffer, 1, sizeof buffer, stdin) > 0) {
            }
            std::_Exit(0);
        }).detach();

    static mongopeer::Database database;
    database.setWireVersion(wireVersion);
    database.setTransactionLifetime(std::chrono::seconds(transactionLifetimeS));
    for (const mongopeer::User& user : users)
        database.addUser(user);
    if (!replicaSet.empty())
        database.playReplicaSet(replicaSet, "127.0.0.1:" + std::to_string(ntohs(address.sin_port)));
    std::atomic<int> connections{0};
    for (;;) {
        const int fd = ::accept(listener, nullptr, nullptr);
        if (fd < 0)
            continue;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
        std::thread(mongopeer::serveConnection, fd, std::ref(database), ++connections, options)
            .detach();
    }
}
