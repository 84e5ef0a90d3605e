// `airlock exec -it` on a real terminal: the test owns a PTY, runs the CLI on
// its slave side and plays the user on the master: raw mode, window size
// changes (SIGWINCH), Ctrl-C, and the terminal restored at the end.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>
#include <string>

#include "daemon_process.h"
#include "listening_process.h"

namespace airlock::testing {
namespace {

using namespace std::chrono_literals;

class Terminal {
 public:
  // Runs `sh -c script` on a new PTY of `rows` x `cols`.
  Terminal(const std::string& script, unsigned short rows, unsigned short cols) {
    winsize size{};
    size.ws_row = rows;
    size.ws_col = cols;
    pid_ = forkpty(&master_, nullptr, nullptr, &size);
    if (pid_ == 0) {
      execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    fcntl(master_, F_SETFL, O_NONBLOCK);
  }
  ~Terminal() {
    if (pid_ > 0) {
      airlock::testing::stopProcess(pid_, SIGKILL, 10s, "shell on the test's terminal");
    }
    close(master_);
  }
  // Reads until `needle` appears after the last match; false on timeout.
  bool waitFor(const std::string& needle, std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (screen_.find(needle, consumed_) == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      pollfd p{master_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      char buf[4096];
      ssize_t n = read(master_, buf, sizeof buf);
      if (n <= 0) return false;
      screen_.append(buf, static_cast<size_t>(n));
    }
    consumed_ = screen_.find(needle, consumed_) + needle.size();
    return true;
  }
  void type(const std::string& keys) { ASSERT_EQ(write(master_, keys.data(), keys.size()), static_cast<ssize_t>(keys.size())); }
  void resize(unsigned short rows, unsigned short cols) {
    winsize size{};
    size.ws_row = rows;
    size.ws_col = cols;
    ioctl(master_, TIOCSWINSZ, &size);  // The kernel sends SIGWINCH to the CLI.
  }
  const std::string& screen() const { return screen_; }

 private:
  pid_t pid_ = -1;
  int master_ = -1;
  std::string screen_;
  size_t consumed_ = 0;
};

TEST(TerminalTest, RawModeResizeCtrlCAndRestore) {
  DaemonProcess daemon;
  std::string remote =
      // `\$` so the remote shell, not the local one, runs `stty size`.
      "trap 'echo got-int; exit 3' INT; echo size-\\$(stty size | tr ' ' x); read line; "
      "echo size-\\$(stty size | tr ' ' x); while :; do sleep 0.05; done";
  std::string script = "stty -a | grep -o -- '-\\?icanon' | sed 's/^/before:/'; " + clientPath() +
                       " --url " + daemon.url() + " exec -it host -- sh -c \"" + remote +
                       "\"; echo client-exit-$?; stty -a | grep -o -- '-\\?icanon' | sed 's/^/after:/'";
  Terminal terminal(script, 30, 100);
  ASSERT_TRUE(terminal.waitFor("before:icanon")) << terminal.screen();
  ASSERT_TRUE(terminal.waitFor("size-30x100")) << terminal.screen();
  terminal.resize(42, 121);
  std::this_thread::sleep_for(200ms);  // Let the RESIZE reach the remote before the newline.
  terminal.type("\r");
  ASSERT_TRUE(terminal.waitFor("size-42x121")) << terminal.screen();
  terminal.type("\x03");  // Ctrl-C: a byte for the remote terminal, not a signal for the CLI.
  ASSERT_TRUE(terminal.waitFor("got-int")) << terminal.screen();
  ASSERT_TRUE(terminal.waitFor("client-exit-3")) << terminal.screen();
  ASSERT_TRUE(terminal.waitFor("after:icanon")) << terminal.screen();  // Cooked again.
}

TEST(TerminalTest, TerminalIsRestoredWhenTheDaemonGoesAway) {
  auto daemon = std::make_unique<DaemonProcess>();
  std::string script = clientPath() + " --url " + daemon->url() +
                       " exec -it host -- sh -c 'echo remote-ready; sleep 30'; echo client-exit-$?; "
                       "stty -a | grep -o -- '-\\?echo ' | head -1 | sed 's/^/after:/'";
  Terminal terminal(script, 24, 80);
  ASSERT_TRUE(terminal.waitFor("remote-ready")) << terminal.screen();
  daemon.reset();  // SIGTERM: the session ends with SHUTTING_DOWN.
  ASSERT_TRUE(terminal.waitFor("client-exit-125")) << terminal.screen();
  ASSERT_TRUE(terminal.waitFor("after:echo")) << terminal.screen();
}

}  // namespace
}  // namespace airlock::testing
