// Restores the file status flags of fds 0, 1 and 2 at exit.
#pragma once

namespace airlock::client {

// `uv_poll_init` makes an fd non-blocking, which changes the file description
// we share with the shell (a terminal or a pipe). This guard remembers the
// flags of fds 0-2 before anything touches them and puts them back when
// destroyed. Owned by `main`, created first and destroyed last.
class StdioFlags {
 public:
  StdioFlags();
  ~StdioFlags();
  StdioFlags(const StdioFlags&) = delete;
  StdioFlags& operator=(const StdioFlags&) = delete;

 private:
  int saved_[3];
};

}  // namespace airlock::client
