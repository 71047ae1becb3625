#pragma once
// The server's half of HiveServer2's SASL negotiation, PLAIN or (with a principal) Kerberos
// through Cyrus SASL's GSSAPI, the service's key from the keytab KRB5_KTNAME names, QOP "auth"
// only, as a Thrift transport factory:
// each accepted socket is negotiated with on its connection's thread (at its first read, with a
// time limit), then framed (QOP "auth" adds nothing but the 4-byte length). A failed
// negotiation answers BAD with Hive's reason and drops the client.
#include <thrift/transport/TTransport.h>

#include <string>

namespace hs2peer {

class SaslPlainServerFactory : public apache::thrift::transport::TTransportFactory {
public:
    // Empty `password`: any non-empty user and password pass (Hive's authentication NONE).
    // A `principal` (service/host): GSSAPI instead of PLAIN, as that service.
    SaslPlainServerFactory(std::string user, std::string password, std::string principal = {});

    std::shared_ptr<apache::thrift::transport::TTransport>
    getTransport(std::shared_ptr<apache::thrift::transport::TTransport> client) override;

private:
    std::string user_;
    std::string password_;
    std::string principal_;
};

} // namespace hs2peer
