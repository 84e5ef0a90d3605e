#include "client/cli/raw_terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <utility>

namespace airlock::client {

Result<RawTerminal> RawTerminal::enter(int fd) {
  termios saved{};
  if (tcgetattr(fd, &saved) != 0) return Error::fromErrno("cannot read the terminal settings");
  termios raw = saved;
  cfmakeraw(&raw);
  // Keep output post-processing off too: the remote PTY already turned "\n"
  // into "\r\n".
  if (tcsetattr(fd, TCSADRAIN, &raw) != 0) {
    return Error::fromErrno("cannot put the terminal into raw mode");
  }
  return RawTerminal(fd, saved);
}

RawTerminal::RawTerminal(RawTerminal&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), saved_(other.saved_) {}

RawTerminal::~RawTerminal() {
  if (fd_ >= 0) tcsetattr(fd_, TCSADRAIN, &saved_);
}

Result<TerminalSize> terminalSize(int fd) {
  winsize ws{};
  if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return Error::fromErrno("cannot read the terminal size");
  return TerminalSize{ws.ws_row, ws.ws_col};
}

}  // namespace airlock::client
