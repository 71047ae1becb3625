#pragma once
// The Thrift transport a HiveServer2 session speaks through, as its endpoint asks: binary
// (TCP, SASL PLAIN or NOSASL) or HTTP, each with or without TLS. Internal to the Hive client.
#include "hiveconnection.h"

#include <thrift/transport/TTransport.h>

#include <memory>

namespace syncscope {

// Connects and, for binary PLAIN, logs in. Throws HiveRefusal (hivetls.h) when the server
// refuses the login, its certificate or TLS itself; TTransportException when it cannot be
// reached or the connection breaks.
std::shared_ptr<apache::thrift::transport::TTransport>
openHiveTransport(const HiveEndpoint& endpoint);

} // namespace syncscope
