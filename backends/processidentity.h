#pragma once
// Who a process is, well enough for another process to tell later whether it still runs. A
// store without transactions (Hive) keeps a writer's claim as a row; a claim left by a process
// that was killed must not block the next writer, and a claim of a process that runs must never
// be taken from it.
#include <cstdint>
#include <optional>
#include <string>

namespace syncscope {

struct ProcessIdentity {
    std::string host; // the machine's host name, for people to read
    // What tells machines and containers apart: /etc/machine-id and the pid namespace (a
    // container sharing the host's name and kernel has pids of its own); empty if unknown. Host
    // names are not unique enough (cloned machines, containers of one name).
    std::string machine;
    std::string bootId;     // the kernel's boot id: a new one after each reboot; empty if unknown
    int64_t pid = 0;        // the process id
    int64_t startTicks = 0; // when the process started, in clock ticks after boot (0: unknown);
                            // with bootId it tells a reused pid from the original process
};

// This process.
ProcessIdentity thisProcess();

// What can be known of `other` from this machine.
enum class ProcessLiveness {
    Running, // same machine and boot, and the pid still runs with the same start time
    Ended,   // same machine: the boot changed, or the pid is gone or is another process now
    Unknown, // another machine or pid namespace, or no /proc here: only a lease can tell
};
ProcessLiveness livenessOf(const ProcessIdentity& other);

// The start time of `pid` in clock ticks after boot, as /proc/PID/stat's 22nd field holds it;
// nullopt when the pid does not run or /proc cannot be read.
std::optional<int64_t> startTicksOf(int64_t pid);

} // namespace syncscope
