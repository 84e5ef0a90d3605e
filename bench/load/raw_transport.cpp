#include "raw_transport.h"

#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace airlock::bench {
namespace {

constexpr size_t kReadBytes = 64 * 1024;

// One forkpty'd shell. Writes go straight to the master (queued on EAGAIN).
class RawSession : public SessionHandle {
 public:
  RawSession(uv_loop_t* loop, SessionEvents& events, int master, pid_t pid)
      : events_(events), master_(master), pid_(pid) {
    poll_ = new uv_poll_t;
    uv_poll_init(loop, poll_, master_);
    poll_->data = this;
    uv_poll_start(poll_, UV_READABLE, onUvPoll);
  }
  ~RawSession() override { close(); }

  void send(std::string_view bytes) override {
    if (master_ < 0) return;
    pending_.append(bytes);
    flush();
  }
  void close() override {
    if (master_ < 0) return;
    stopPoll();
    ::close(master_);  // The kernel hangs up the session's terminal.
    master_ = -1;
    ::kill(-pid_, SIGHUP);
  }
  bool closeDone() const override { return master_ < 0; }

 private:
  static void onUvPoll(uv_poll_t* handle, int status, int events) {
    static_cast<RawSession*>(handle->data)->onPoll(status, events);
  }

  void onPoll(int status, int events) {
    if (status < 0) return end("poll failed");
    if (events & UV_WRITABLE) flush();
    if (events & UV_READABLE) readSome();
  }

  void readSome() {
    static uint8_t buf[kReadBytes];
    // A few reads per wake-up, like a loop that drains the PTY.
    for (int i = 0; i < 4 && master_ >= 0; ++i) {
      ssize_t n = ::read(master_, buf, sizeof buf);
      if (n > 0) {
        events_.onOutput({buf, static_cast<size_t>(n)});
        if (static_cast<size_t>(n) < sizeof buf) return;
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
      return end(n == 0 || errno == EIO ? "exited" : std::strerror(errno));
    }
  }

  void flush() {
    while (!pending_.empty() && master_ >= 0) {
      ssize_t n = ::write(master_, pending_.data(), pending_.size());
      if (n > 0) {
        pending_.erase(0, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      break;
    }
    if (master_ >= 0) uv_poll_start(poll_, UV_READABLE | (pending_.empty() ? 0 : UV_WRITABLE), onUvPoll);
  }

  void end(const std::string& why) {
    close();
    events_.onEnded(why);
  }

  void stopPoll() {
    if (poll_ == nullptr) return;
    uv_poll_stop(poll_);
    uv_close(reinterpret_cast<uv_handle_t*>(poll_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
    poll_ = nullptr;
  }

  SessionEvents& events_;
  int master_;
  pid_t pid_;
  uv_poll_t* poll_ = nullptr;
  std::string pending_;
};

}  // namespace

RawTransport::RawTransport(uv_loop_t* loop, ShellSpec spec) : loop_(loop), spec_(std::move(spec)) {
  uv_signal_init(loop_, &sigchld_);
  uv_signal_start(&sigchld_, onUvSignal, SIGCHLD);
}

RawTransport::~RawTransport() {
  uv_signal_stop(&sigchld_);
  uv_close(reinterpret_cast<uv_handle_t*>(&sigchld_), nullptr);
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

void RawTransport::onUvSignal(uv_signal_t*, int) {
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

std::unique_ptr<SessionHandle> RawTransport::open(SessionEvents& events, bool) {
  // Everything the child needs is built before fork.
  std::vector<std::string> env_strings;
  for (const auto& [name, value] : spec_.env) env_strings.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings = spec_.argv;
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  winsize size{};
  size.ws_row = spec_.rows;
  size.ws_col = spec_.cols;

  int master = -1;
  pid_t pid = forkpty(&master, nullptr, nullptr, &size);
  if (pid < 0) {
    events.onEnded(std::string("forkpty: ") + std::strerror(errno));
    return nullptr;
  }
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    execvpe(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
  fcntl(master, F_SETFD, FD_CLOEXEC);
  return std::make_unique<RawSession>(loop_, events, master, pid);
}

}  // namespace airlock::bench
