#pragma once
// A disk that fills up, under every SQLite database this process opens: an SQLite
// VFS shim over the default one, installed as the default, whose writes fail with SQLITE_FULL
// (what SQLite's unix VFS makes of ENOSPC) once a byte budget is spent. Qt's QSQLITE driver
// and Syncscope's native SQLite path share the system's libsqlite3, so both meet it. This is
// the fault injection SQLite's own test suite uses, without root or a tiny file system.
#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace lab {

class FullDisk {
public:
    // Installs the shim as the default VFS; later opens go through it.
    static bool install() {
        static bool done = [] {
            base() = sqlite3_vfs_find(nullptr);
            if (!base())
                return false;
            static sqlite3_vfs vfs;
            std::memcpy(&vfs, base(), sizeof vfs);
            vfs.zName = "syncscope-fulldisk";
            vfs.szOsFile = static_cast<int>(sizeof(File)) + base()->szOsFile;
            vfs.xOpen = &open;
            return sqlite3_vfs_register(&vfs, 1) == SQLITE_OK;
        }();
        return done;
    }
    // Bytes that may still be written before the disk is full; negative: no limit.
    static void setBudget(long long bytes) { budget() = bytes; }
    static int refusedWrites() { return refused(); }

private:
    struct File {
        sqlite3_file base;  // this shim's methods
        sqlite3_file* real; // the default VFS's file, right after this struct
    };

    static sqlite3_vfs*& base() {
        static sqlite3_vfs* v = nullptr;
        return v;
    }
    static std::atomic<long long>& budget() {
        static std::atomic<long long> b{-1};
        return b;
    }
    static std::atomic<int>& refused() {
        static std::atomic<int> r{0};
        return r;
    }
    static sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

    static int write(sqlite3_file* f, const void* data, int n, sqlite3_int64 at) {
        for (long long left = budget(); left >= 0;) {
            if (left < n) {
                ++refused();
                return SQLITE_FULL;
            }
            if (budget().compare_exchange_weak(left, left - n))
                break;
        }
        return real(f)->pMethods->xWrite(real(f), data, n, at);
    }

    static int open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out) {
        static std::once_flag filled;
        auto* file = reinterpret_cast<File*>(f);
        file->real = reinterpret_cast<sqlite3_file*>(file + 1);
        file->base.pMethods = nullptr;
        const int rc = base()->xOpen(base(), name, file->real, flags, out);
        if (rc != SQLITE_OK || !file->real->pMethods)
            return rc;
        // Every method but xWrite passes straight through to the real file (the unix VFS
        // gives every file of a Linux process the same methods).
        std::call_once(filled, [&] { fill(*file->real->pMethods); });
        file->base.pMethods = &table();
        return rc;
    }

    static void fill(const sqlite3_io_methods& from) {
        sqlite3_io_methods& methods = table();
        methods = from;
        methods.xWrite = &write;
        methods.xClose = [](sqlite3_file* g) { return real(g)->pMethods->xClose(real(g)); };
        methods.xRead = [](sqlite3_file* g, void* d, int n, sqlite3_int64 at) {
            return real(g)->pMethods->xRead(real(g), d, n, at);
        };
        methods.xTruncate = [](sqlite3_file* g, sqlite3_int64 size) {
            return real(g)->pMethods->xTruncate(real(g), size);
        };
        methods.xSync = [](sqlite3_file* g, int fl) {
            return real(g)->pMethods->xSync(real(g), fl);
        };
        methods.xFileSize = [](sqlite3_file* g, sqlite3_int64* size) {
            return real(g)->pMethods->xFileSize(real(g), size);
        };
        methods.xLock = [](sqlite3_file* g, int l) { return real(g)->pMethods->xLock(real(g), l); };
        methods.xUnlock = [](sqlite3_file* g, int l) {
            return real(g)->pMethods->xUnlock(real(g), l);
        };
        methods.xCheckReservedLock = [](sqlite3_file* g, int* r) {
            return real(g)->pMethods->xCheckReservedLock(real(g), r);
        };
        methods.xFileControl = [](sqlite3_file* g, int op, void* arg) {
            return real(g)->pMethods->xFileControl(real(g), op, arg);
        };
        methods.xSectorSize = [](sqlite3_file* g) {
            return real(g)->pMethods->xSectorSize(real(g));
        };
        methods.xDeviceCharacteristics = [](sqlite3_file* g) {
            return real(g)->pMethods->xDeviceCharacteristics(real(g));
        };
        if (methods.iVersion >= 2) {
            methods.xShmMap = [](sqlite3_file* g, int page, int size, int extend,
                                 void volatile** p) {
                return real(g)->pMethods->xShmMap(real(g), page, size, extend, p);
            };
            methods.xShmLock = [](sqlite3_file* g, int offset, int n, int fl) {
                return real(g)->pMethods->xShmLock(real(g), offset, n, fl);
            };
            methods.xShmBarrier = [](sqlite3_file* g) { real(g)->pMethods->xShmBarrier(real(g)); };
            methods.xShmUnmap = [](sqlite3_file* g, int del) {
                return real(g)->pMethods->xShmUnmap(real(g), del);
            };
        }
        if (methods.iVersion >= 3) {
            methods.xFetch = [](sqlite3_file* g, sqlite3_int64 at, int n, void** p) {
                return real(g)->pMethods->xFetch(real(g), at, n, p);
            };
            methods.xUnfetch = [](sqlite3_file* g, sqlite3_int64 at, void* p) {
                return real(g)->pMethods->xUnfetch(real(g), at, p);
            };
        }
    }

    static sqlite3_io_methods& table() {
        static sqlite3_io_methods methods;
        return methods;
    }
};

} // namespace lab
