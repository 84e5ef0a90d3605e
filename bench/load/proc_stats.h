// What the bench reads about a process (the daemon, itself) from /proc.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <string>

namespace airlock::bench {

// One reading of a process. `ok` is false when the process is gone or /proc
// is unreadable; the other fields are then zero.
struct ProcSample {
  bool ok = false;
  double cpu_s = 0;     // utime + stime of the process itself (not its children).
  long rss_kib = 0;     // smaps_rollup Rss.
  long pss_kib = 0;     // smaps_rollup Pss.
  long fds = 0;         // Entries of /proc/PID/fd.
  long threads = 0;
};

ProcSample sampleProcess(pid_t pid);
// CPU seconds this process used so far (user + system).
double selfCpuSeconds();
std::array<double, 3> loadAverage();
// kernel.pty.max and kernel.pty.nr; -1 when unreadable.
long readPtyMax();
long readPtyNr();
// Writes kernel.pty.max (root only).
bool writePtyMax(long value);
// Raises this process's RLIMIT_NOFILE soft limit to the hard limit; returns it.
long raiseFileLimit();
// Monotonic nanoseconds.
int64_t nowNs();

}  // namespace airlock::bench
