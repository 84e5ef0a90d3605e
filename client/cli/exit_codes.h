// Exit codes of `airlock` besides the remote command's own.
#pragma once

namespace airlock::client {

// Errors of the daemon or the connection (docker's convention for errors of
// the daemon itself); the remote command's code is passed through otherwise.
inline constexpr int kExitDaemonError = 125;
// Bad command line.
inline constexpr int kExitUsage = 2;

}  // namespace airlock::client
