#pragma once
// MongoDB's wire protocol on one connection: OP_QUERY (the handshake libmongoc 1.23 still
// sends, answered with OP_REPLY) and OP_MSG (everything after), little-endian throughout.
#include "database.h"

namespace mongopeer {

struct ConnectionOptions {
    int delayMs = 0; // held before answering each command but the handshake
};

// Serves one accepted socket until the client closes it or sends something unreadable.
void serveConnection(int fd, Database& database, int connectionId,
                     const ConnectionOptions& options);

} // namespace mongopeer
