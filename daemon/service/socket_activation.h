// Socket activation (systemd.socket(5), sd_listen_fds(3)): when systemd (or
// systemd-socket-activate) started airlockd with LISTEN_FDS/LISTEN_PID for
// this process, the listening socket is fd 3 and the daemon must accept on
// it instead of binding. Exactly one stream socket is supported. The
// LISTEN_* variables are removed from the environment either way, so shells
// never see them.
#pragma once

#include <optional>

#include "airlock/result.h"

namespace airlock::service {

// The inherited listening socket, nullopt when not socket-activated, or an
// error when the passed descriptors are not one listening TCP socket.
Result<std::optional<int>> inheritedListenSocket();

}  // namespace airlock::service
