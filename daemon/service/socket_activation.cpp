#include "service/socket_activation.h"

#include <sys/socket.h>
#include <systemd/sd-daemon.h>

#include <cstring>
#include <string>

namespace airlock::service {

Result<std::optional<int>> inheritedListenSocket() {
  int n = sd_listen_fds(1);  // 1: unset LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES.
  if (n < 0) return Error{std::string("socket activation: ") + std::strerror(-n)};
  if (n == 0) return std::optional<int>{};
  if (n > 1) {
    return Error{"socket activation: systemd passed " + std::to_string(n) +
                 " sockets; airlockd takes exactly one (ListenStream= once)"};
  }
  int fd = SD_LISTEN_FDS_START;
  if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 1) <= 0) {
    return Error{"socket activation: fd 3 is not a listening stream socket"};
  }
  return std::optional<int>{fd};
}

}  // namespace airlock::service
