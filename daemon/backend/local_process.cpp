#include "backend/local_process.h"

#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include <spdlog/spdlog.h>

namespace airlock::backend {
namespace {
size_t index(OutputStream s) { return static_cast<size_t>(s); }
}  // namespace

LocalProcess::LocalProcess(uv_loop_t* loop, ChildReaper& reaper, GroupKiller& killer,
                           ProcessObserver& observer, uint32_t exit_drain_ms)
    : loop_(loop),
      reaper_(reaper),
      killer_(killer),
      observer_(observer),
      exit_drain_ms_(exit_drain_ms),
      drain_timer_(loop, [this] { onDrainTimeout(); }) {}

LocalProcess::~LocalProcess() {
  if (pid_ > 0 && !wait_status_) {
    // Destroyed before its exit was seen (daemon shutdown): never leave the
    // group running, and let the reaper collect it silently.
    reaper_.forget(pid_);
    killer_.hangUp(pid_);
  }
}

void LocalProcess::attach(const SpawnedProcess& spawned, bool tty) {
  pid_ = spawned.pid;
  tty_ = tty;
  reaper_.watch(pid_, [this](int status) { onExit(status); });
  if (tty) {
    pty_.open(loop_, spawned.pty_master, [this](int status, int events) {
      if (events & UV_WRITABLE) onInputEvent(status);
      if ((events & UV_READABLE) || status < 0) onOutputEvent(OutputStream::kStdout, status);
    });
    eof_[index(OutputStream::kStderr)] = true;  // One merged stream.
  } else {
    stdin_.open(loop_, spawned.stdin_fd, [this](int status, int) { onInputEvent(status); });
    stdout_.open(loop_, spawned.stdout_fd,
                 [this](int status, int) { onOutputEvent(OutputStream::kStdout, status); });
    stderr_.open(loop_, spawned.stderr_fd,
                 [this](int status, int) { onOutputEvent(OutputStream::kStderr, status); });
  }
  updateWatch();
}

PolledFd& LocalProcess::outputFd(OutputStream stream) {
  if (tty_) return pty_;
  return stream == OutputStream::kStdout ? stdout_ : stderr_;
}

void LocalProcess::updateWatch() {
  if (tty_) {
    int events = 0;
    if (!eof_[0] && !paused_[0]) events |= UV_READABLE;
    if (!input_.empty() && !eof_[0]) events |= UV_WRITABLE;
    pty_.watch(events);
    return;
  }
  stdout_.watch(!eof_[0] && !paused_[0] ? UV_READABLE : 0);
  stderr_.watch(!eof_[1] && !paused_[1] ? UV_READABLE : 0);
  stdin_.watch(!input_.empty() ? UV_WRITABLE : 0);
}

void LocalProcess::onOutputEvent(OutputStream stream, int status) {
  if (status < 0) {
    endStream(stream);
    return;
  }
  readOutput(stream);
}

void LocalProcess::readOutput(OutputStream stream) {
  PolledFd& fd = outputFd(stream);
  for (int i = 0; i < kReadsPerWakeup && fd.isOpen() && !eof_[index(stream)]; ++i) {
    std::span<char> space = observer_.outputSpace(stream);
    if (space.empty()) {
      paused_[index(stream)] = true;
      updateWatch();
      return;
    }
    size_t want = std::min(space.size(), kMaxReadBytes);
    ssize_t n = read(fd.fd(), space.data(), want);
    if (n > 0) {
      observer_.onOutput(stream, static_cast<size_t>(n));
      if (static_cast<size_t>(n) < want) return;  // Drained for now.
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    // 0 (pipe EOF) or EIO (every PTY slave closed): the stream is done.
    endStream(stream);
    return;
  }
}

void LocalProcess::endStream(OutputStream stream) {
  if (eof_[index(stream)]) return;
  eof_[index(stream)] = true;
  if (!tty_) {
    outputFd(stream).close();
  } else {
    // The master stays open for input until the end; stop watching output.
    input_.clear();
  }
  updateWatch();
  maybeEnd();
}

void LocalProcess::writeInput(std::span<const char> bytes) {
  if (input_closed_ || input_closing_ || !inputFd().isOpen()) return;
  input_.append(bytes.data(), bytes.size());
  flushInput();
}

void LocalProcess::flushInput() {
  PolledFd& fd = inputFd();
  size_t delivered = 0;
  while (!input_.empty() && fd.isOpen()) {
    ssize_t n = write(fd.fd(), input_.data(), input_.size());
    if (n > 0) {
      input_.erase(0, static_cast<size_t>(n));
      delivered += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
    // EPIPE / EIO: the process no longer reads input; drop what is queued.
    delivered += input_.size();
    input_.clear();
    input_closed_ = true;
    if (!tty_) stdin_.close();
    break;
  }
  updateWatch();
  if (delivered > 0) observer_.onInputDelivered(delivered);
  finishInputIfDrained();
}

void LocalProcess::finishInputIfDrained() {
  if (!input_closing_ || !input_.empty() || input_closed_) return;
  input_closed_ = true;
  if (!tty_) {
    stdin_.close();
    return;
  }
  // A terminal has no EOF of its own: type the EOF character (normally ^D).
  termios tio{};
  char eof = 4;
  if (tcgetattr(pty_.fd(), &tio) == 0 && tio.c_cc[VEOF] != _POSIX_VDISABLE) eof = tio.c_cc[VEOF];
  if (write(pty_.fd(), &eof, 1) < 0) {
    spdlog::debug("session process {}: cannot write EOF: {}", pid_, std::strerror(errno));
  }
}

void LocalProcess::onInputEvent(int status) {
  if (status < 0) {
    input_.clear();
    updateWatch();
    return;
  }
  flushInput();
}

void LocalProcess::closeInput() {
  input_closing_ = true;
  finishInputIfDrained();
}

void LocalProcess::resize(uint16_t rows, uint16_t cols) {
  if (!tty_ || !pty_.isOpen()) return;
  winsize size{};
  size.ws_row = rows;
  size.ws_col = cols;
  ioctl(pty_.fd(), TIOCSWINSZ, &size);  // The kernel sends SIGWINCH.
}

void LocalProcess::resumeOutput() {
  bool was_paused = paused_[0] || paused_[1];
  paused_ = {false, false};
  if (was_paused) updateWatch();
}

std::optional<bool> LocalProcess::inputEchoes() const {
  if (!tty_) return true;  // Pipes: input is data, nothing hides it.
  termios tio{};
  // The master reports the slave's termios: ECHO is off at a password prompt.
  if (!pty_.isOpen() || tcgetattr(pty_.fd(), &tio) != 0) return std::nullopt;
  return (tio.c_lflag & ECHO) != 0;
}

void LocalProcess::terminate() {
  if (ended_) return;
  // Closing the master hangs up the terminal; the group gets SIGHUP now and
  // SIGKILL after the grace period, whether or not its leader is still alive.
  input_.clear();
  pty_.close();
  stdin_.close();
  stdout_.close();
  stderr_.close();
  eof_ = {true, true};
  killer_.hangUp(pid_);
  maybeEnd();
}

void LocalProcess::onExit(int wait_status) {
  wait_status_ = wait_status;
  if (!(eof_[0] && eof_[1])) drain_timer_.start(exit_drain_ms_);
  maybeEnd();
}

void LocalProcess::onDrainTimeout() {
  // A stalled consumer is not a reason to drop output: wait for it.
  if (paused_[0] || paused_[1]) {
    drain_timer_.start(exit_drain_ms_);
    return;
  }
  // Something else still holds the terminal or the pipes open (a background
  // job): the session is over, and so is that job.
  spdlog::debug("session process {} exited but its output is still open; hanging up", pid_);
  terminate();
}

void LocalProcess::maybeEnd() {
  if (ended_ || !wait_status_ || !(eof_[0] && eof_[1])) return;
  ended_ = true;
  drain_timer_.stop();
  pty_.close();
  stdin_.close();
  // Background jobs of the session must not outlive it.
  killer_.hangUp(pid_);
  observer_.onProcessEnded(*wait_status_);
}

}  // namespace airlock::backend
