// Helpers for tests that start a server program which prints
// "listening on URL" as its first line (airlockd, the agent emulator).
// Test thread only.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace airlock::testing {

struct Started {
  pid_t pid = -1;
  std::string url;         // Empty when the program did not report one.
  std::string first_line;  // What it printed instead, for the failure message.
};

// Starts `args` with stdout on a pipe (stderr on `stderr_fd` when >= 0) and
// waits up to 10 s for "listening on URL".
Started startListening(const std::vector<std::string>& args, int stderr_fd = -1);

// Sends `signum` (none when 0) and waits up to `timeout` for the exit
// (SIGKILL after it, with a test failure naming `name` and what the process
// was doing: its state, where it sleeps and its children); returns the wait
// status.
std::string describeProcess(pid_t pid);
int stopProcess(pid_t pid, int signum, std::chrono::seconds timeout, const std::string& name);

}  // namespace airlock::testing
