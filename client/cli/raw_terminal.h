// Raw mode of the local terminal for `airlock exec -t`.
#pragma once

#include <termios.h>

#include "airlock/result.h"

namespace airlock::client {

// Puts a terminal fd into raw mode and restores its previous settings when
// destroyed, on every exit path `main` takes (normal exit, errors, and the
// signals `ExecSession` turns into a normal exit). Owned by `main`; one per
// process.
class RawTerminal {
 public:
  static Result<RawTerminal> enter(int fd);
  RawTerminal(RawTerminal&& other) noexcept;
  RawTerminal& operator=(RawTerminal&&) = delete;
  RawTerminal(const RawTerminal&) = delete;
  ~RawTerminal();

 private:
  RawTerminal(int fd, const termios& saved) : fd_(fd), saved_(saved) {}

  int fd_ = -1;
  termios saved_{};
};

// Rows and columns of the terminal on `fd`, or nothing if it is not one.
struct TerminalSize {
  unsigned rows = 0;
  unsigned cols = 0;
};
Result<TerminalSize> terminalSize(int fd);

}  // namespace airlock::client
