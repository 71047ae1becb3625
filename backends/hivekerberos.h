#pragma once
// The client's half of HiveServer2's Kerberos login (hive.server2.authentication=KERBEROS):
// SASL GSSAPI through Cyrus SASL, in the same negotiation frames as PLAIN (hivesasl.h), with
// the credentials the user already holds (kinit, or a client keytab MIT Kerberos finds
// through KRB5_CLIENT_KTNAME). Only QOP "auth" is offered, as Hive's default: no security
// layer, so the messages after it are framed exactly as after PLAIN.
#include <string>

namespace apache::thrift::transport {
class TTransport;
}

namespace syncscope {

// `principal` is the server's, as in Hive's JDBC URLs: service/host@REALM, with _HOST standing
// for `host` (the realm comes from the client's Kerberos configuration). Empty when the
// server said COMPLETE; otherwise why not (the server's reason, or GSSAPI's: no ticket, an
// unknown service). Transport errors propagate as Thrift exceptions.
std::string saslGssapiHandshake(apache::thrift::transport::TTransport& socket,
                                const std::string& principal, const std::string& host);

} // namespace syncscope
