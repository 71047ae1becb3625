// hs2peer: a HiveServer2-compatible Thrift server over SQLite, for Syncscope's tests only.
//   hs2peer --folder DIR [--port N] [--auth PLAIN|NOSASL|KERBEROS] [--user U --password P]
//           [--principal SERVICE/HOST]
//           [--delay-ms N [--delay-only TEXT]] [--protocol V] [--acid] [--strict-checks]
//           [--binary-columns] [--unknown-state TEXT] [--tls-cert FILE --tls-key FILE]
//           [--http [--http-path P] [--http-cookie-required]] [--exit-with-stdin]
// Prints "PORT <n>" once it listens (port 0: any free one), then serves until SIGTERM, SIGINT
// or, with --exit-with-stdin, the end of its standard input. --acid plays a Hive with ACID tables
// (MERGE works); without it the peer is a Hive without them, as Hive's defaults are.
// --strict-checks plays a Hive with hive.strict.checks.orderby.no.limit and
// hive.strict.checks.cartesian.product set (Hive 3's defaults are false for both).
// --binary-columns sends results in TRowSet.binaryColumns; --unknown-state TEXT reports the
// statements containing TEXT in UKNOWN_STATE: for the client's handling of both.
// --auth KERBEROS logs clients in with GSSAPI as --principal (default hive/localhost), its key
// from the keytab KRB5_KTNAME names. --tls-cert and --tls-key (PEM) serve over TLS; --http serves
// Thrift in HTTP POSTs to the HTTP path (default cliservice, as HiveServer2's
// hive.server2.thrift.http.path), over TLS when both are given; --http-cookie-required refuses a
// request without the session cookie once the connection was given one (httpserver.h).
#include "httpserver.h"
#include "peerservice.h"
#include "saslserver.h"

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/server/TThreadedServer.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSSLServerSocket.h>
#include <thrift/transport/TSSLSocket.h>
#include <thrift/transport/TServerSocket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <unistd.h>

namespace {
using namespace apache::thrift;

// Says where it listens once the socket is bound (port 0 picks one).
class AnnouncePort : public server::TServerEventHandler {
public:
    explicit AnnouncePort(std::shared_ptr<transport::TServerSocket> socket)
        : socket_(std::move(socket)) {}
    void preServe() override {
        sockaddr_in address{};
        socklen_t length = sizeof address;
        getsockname(socket_->getSocketFD(), reinterpret_cast<sockaddr*>(&address), &length);
        std::printf("PORT %d\n", ntohs(address.sin_port));
        std::fflush(stdout);
    }

private:
    std::shared_ptr<transport::TServerSocket> socket_;
};

server::TThreadedServer* running = nullptr;

int usage(const char* why) {
    std::fprintf(
        stderr,
        "hs2peer: %s\nusage: hs2peer --folder DIR [--port N] [--auth PLAIN|NOSASL|KERBEROS] "
        "[--principal SERVICE/HOST] "
        "[--user U --password P] [--delay-ms N [--delay-only TEXT]] [--protocol V] "
        "[--acid] [--strict-checks] [--binary-columns] [--unknown-state TEXT] "
        "[--tls-cert FILE --tls-key FILE] [--http [--http-path P] "
        "[--http-cookie-required]] [--exit-with-stdin]\n",
        why);
    return 2;
}
} // namespace

int main(int argc, char** argv) {
    hs2peer::PeerOptions options;
    int port = 0;
    std::string auth = "PLAIN", user, password, tlsCert, tlsKey, principal = "hive/localhost";
    bool exitWithStdin = false, http = false;
    hs2peer::HttpSettings httpSettings;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--exit-with-stdin") {
            exitWithStdin = true;
            continue;
        }
        if (arg == "--acid") {
            options.acid = true;
            continue;
        }
        if (arg == "--strict-checks") {
            options.strictChecks = true;
            continue;
        }
        if (arg == "--binary-columns") {
            options.binaryColumns = true;
            continue;
        }
        if (arg == "--http") {
            http = true;
            continue;
        }
        if (arg == "--http-cookie-required") {
            httpSettings.cookieRequired = true;
            continue;
        }
        if (i + 1 >= argc)
            return usage(("missing a value after " + arg).c_str());
        const std::string value = argv[++i];
        if (arg == "--folder")
            options.folder = value;
        else if (arg == "--port")
            port = std::stoi(value);
        else if (arg == "--auth")
            auth = value;
        else if (arg == "--user")
            user = value;
        else if (arg == "--password")
            password = value;
        else if (arg == "--delay-ms")
            options.statementDelayMs = std::stoi(value);
        else if (arg == "--delay-only")
            options.delayOnly = value;
        else if (arg == "--protocol")
            options.protocol = std::stoi(value);
        else if (arg == "--unknown-state")
            options.unknownState = value;
        else if (arg == "--principal")
            principal = value;
        else if (arg == "--tls-cert")
            tlsCert = value;
        else if (arg == "--tls-key")
            tlsKey = value;
        else if (arg == "--http-path")
            httpSettings.path = value;
        else
            return usage(("unknown option " + arg).c_str());
    }
    if (options.folder.empty())
        return usage("--folder is required");
    if (auth != "PLAIN" && auth != "NOSASL" && auth != "KERBEROS")
        return usage("--auth takes PLAIN, NOSASL or KERBEROS");

    if (http && auth == "KERBEROS")
        return usage("Kerberos over HTTP (SPNEGO) is not served");
    if (tlsCert.empty() != tlsKey.empty())
        return usage("--tls-cert and --tls-key go together");
    // OpenSSL writes with write(), not send(MSG_NOSIGNAL): a client gone away must end its
    // connection's thread, not the peer.
    std::signal(SIGPIPE, SIG_IGN);

    auto service = std::make_shared<hs2peer::PeerService>(options);
    std::shared_ptr<transport::TServerSocket> socket;
    if (tlsCert.empty()) {
        socket = std::make_shared<transport::TServerSocket>("127.0.0.1", port);
    } else {
        // Thrift's own TLS server: the handshake runs on each connection's thread at its first
        // read; no client certificate is asked for (HiveServer2 asks none).
        auto tls = std::make_shared<transport::TSSLSocketFactory>();
        tls->server(true);
        tls->authenticate(false);
        try {
            tls->loadCertificate(tlsCert.c_str());
            tls->loadPrivateKey(tlsKey.c_str());
        } catch (const TException& e) {
            return usage(
                (std::string("cannot load the TLS certificate or key: ") + e.what()).c_str());
        }
        socket = std::make_shared<transport::TSSLServerSocket>("127.0.0.1", port, tls);
    }
    // The server wraps each client twice, once to read and once to write: only the reading
    // side negotiates SASL; both are framed after it.
    std::shared_ptr<transport::TTransportFactory> input, output;
    if (http) {
        httpSettings.authenticate = auth == "PLAIN";
        httpSettings.user = user;
        httpSettings.password = password;
        httpSettings.secure = !tlsCert.empty();
        input = output = std::make_shared<hs2peer::HttpServerFactory>(httpSettings);
    } else if (auth != "NOSASL") {
        input = std::make_shared<hs2peer::SaslPlainServerFactory>(
            user, password, auth == "KERBEROS" ? principal : std::string());
        output = std::make_shared<transport::TFramedTransportFactory>();
    } else {
        input = output = std::make_shared<transport::TBufferedTransportFactory>();
    }
    auto protocols = std::make_shared<protocol::TBinaryProtocolFactory>();
    server::TThreadedServer server(
        std::make_shared<syncscope::hs2::TCLIServiceProcessorFactory>(
            std::make_shared<syncscope::hs2::TCLIServiceIfSingletonFactory>(service)),
        socket, input, output, protocols, protocols);
    server.setServerEventHandler(std::make_shared<AnnouncePort>(socket));
    running = &server;
    // Thrift's stop() must not run in a signal handler: a thread waits for the signal.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::thread stopper([&] {
        int which = 0;
        sigwait(&signals, &which);
        running->stop();
    });
    stopper.detach();
    // A test that dies leaves no peer behind: the end of standard input (the test's pipe) stops
    // the server as a signal would.
    if (exitWithStdin) {
        std::thread orphaned([] {
            char ignored[64];
            while (std::fread(ignored, 1, sizeof ignored, stdin) > 0) {
            }
            kill(getpid(), SIGTERM);
        });
        orphaned.detach();
    }
    server.serve();
    std::fprintf(stderr, "hs2peer: served %lld statements\n", service->statements());
    return 0;
}
