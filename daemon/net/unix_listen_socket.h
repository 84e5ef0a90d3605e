// listenOnUnixPath: the daemon's Unix-domain listening socket, made safely.
// The parent directory is created (0755) if missing and must belong to root
// (or airlockd's user) and be writable by nobody else; an existing file is
// replaced only if it is a socket nobody listens on (a previous airlockd that
// crashed), never a regular file, and never a live daemon's socket. The
// socket is mode 0666: any local user may connect, and SO_PEERCRED, not the
// file mode, decides what each may do. Any thread; blocking (start-up only).
#pragma once

#include <sys/types.h>

#include <string>

#include "airlock/result.h"

namespace airlock::net {

struct UnixListenSocket {
  int fd = -1;
  dev_t dev = 0;  // Of the socket file we made, so that we unlink only ours.
  ino_t ino = 0;
};

Result<UnixListenSocket> listenOnUnixPath(const std::string& path, int backlog);

// Removes `path` if it is still the socket file `made` (not a successor's).
void unlinkOwnSocket(const std::string& path, const UnixListenSocket& made);

}  // namespace airlock::net
