// runCommand: runs a program (the airlock CLI, usually) with the given stdin
// bytes, collects stdout and stderr, and kills it at the deadline. Test
// thread only.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace airlock::testing {

struct CommandResult {
  int wait_status = -1;
  bool timed_out = false;
  std::string out;
  std::string err;
  int exitCode() const;  // 128 + signal for a signalled process.
};

CommandResult runCommand(const std::vector<std::string>& argv, const std::string& input = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(30),
                         bool close_stdin = true);

// Live processes whose whole command line (arguments joined by spaces) is
// exactly `cmdline` (scans /proc; zombies have none and never match).
std::vector<pid_t> processesRunning(const std::string& cmdline);

}  // namespace airlock::testing
