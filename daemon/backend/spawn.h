// spawnProcess: starts one session process with posix_spawn (vfork-style:
// cheap even from a large daemon, see design.md section 9), in a new session
// and process group, on a fresh PTY or on three pipes. Only fds 0-2 (and
// `fd3`, when given) reach the child. Loop thread; returns within the cost of one vfork+exec.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "airlock/result.h"

namespace airlock::backend {

struct SpawnRequest {
  std::string path;                 // Resolved executable.
  std::vector<std::string> argv;
  std::vector<std::string> env;     // "NAME=value".
  std::string cwd;
  // If >= 0: becomes the child's fd 3 (airlock-enter reads the session's
  // environment from it); the caller keeps and closes its own copy.
  int fd3 = -1;
  bool tty = false;
  uint16_t rows = 24;
  uint16_t cols = 80;
};

// Parent-side descriptors, non-blocking and close-on-exec.
struct SpawnedProcess {
  pid_t pid = -1;
  int pty_master = -1;              // PTY sessions.
  int stdin_fd = -1;                // Pipe sessions.
  int stdout_fd = -1;
  int stderr_fd = -1;
};

Result<SpawnedProcess> spawnProcess(const SpawnRequest& request);

// Finds `name` in the colon-separated `path_var` like execvp would; a name
// containing '/' is taken as it is.
Result<std::string> findExecutable(const std::string& name, const std::string& path_var);

}  // namespace airlock::backend
