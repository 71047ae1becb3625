#pragma once

namespace syncscope {

// Raises this process's soft limit of open files, where it is lower, to what kMaxStores stores
// may need (storedirectory.h): a store holds one to four descriptors (an SQLite file's
// database, WAL and shared memory, its worker's wake-up), a MongoDB store a pool's sockets
// besides; 16 a store and 256 for the rest leave room. Never past the hard limit, which only
// the administrator can raise; there a run of many stores fails naming the store that could
// not be opened, as before.
void raiseOpenFileLimit();

} // namespace syncscope
