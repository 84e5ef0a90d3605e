#include "client/cli/stdio_flags.h"

#include <fcntl.h>

namespace airlock::client {

StdioFlags::StdioFlags() {
  for (int fd = 0; fd < 3; ++fd) saved_[fd] = fcntl(fd, F_GETFL);
}

StdioFlags::~StdioFlags() {
  for (int fd = 0; fd < 3; ++fd) {
    if (saved_[fd] >= 0) fcntl(fd, F_SETFL, saved_[fd]);
  }
}

}  // namespace airlock::client
