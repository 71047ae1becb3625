#pragma once
// The client's half of the SASL PLAIN negotiation HiveServer2 runs before any Thrift message
// (Thrift's C++ library has no SASL transport). Every negotiation frame is a status byte
// (START=1, OK=2, BAD=3, ERROR=4, COMPLETE=5), a 4-byte big-endian length and the payload.
#include <string>

namespace apache::thrift::transport {
class TTransport;
}

namespace syncscope {

// The bytes of one negotiation frame.
std::string saslFrame(unsigned char status, const std::string& payload);

// Sends START "PLAIN", then OK with "\0user\0password" (RFC 4616, no authorization id), and
// reads the server's answer. Empty when the server said COMPLETE; otherwise its reason (BAD or
// ERROR carry one) or what was wrong with the answer; a TLS alert for an answer throws
// HiveRefusal (hivetls.h). Transport errors propagate as Thrift
// exceptions, as from any other call on the socket.
std::string saslPlainHandshake(apache::thrift::transport::TTransport& socket,
                               const std::string& user, const std::string& password);

} // namespace syncscope
