#include "nested_container.h"

#include <fcntl.h>
#include <grp.h>
#include <pty.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "agent/recordio.h"

namespace airlock::emulator {
namespace {

using mesos::agent::ProcessIO;

template <typename H>
H* newHandle(void* data) {
  auto* h = new H{};
  h->data = data;
  return h;
}

template <typename H>
void closeHandle(H*& h) {
  if (h == nullptr) return;
  h->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(h), [](uv_handle_t* raw) { delete reinterpret_cast<H*>(raw); });
  h = nullptr;
}

// Environment = parent's, then the command's variables override (VALUE only;
// SECRET variables are skipped, as the agent does).
std::vector<std::string> buildEnv(const std::vector<std::string>& base, const mesos::CommandInfo& cmd) {
  std::map<std::string, std::string> env;
  std::vector<std::string> order;
  auto put = [&](const std::string& name, const std::string& value) {
    if (!env.contains(name)) order.push_back(name);
    env[name] = value;
  };
  for (const auto& kv : base) {
    size_t eq = kv.find('=');
    if (eq != std::string::npos) put(kv.substr(0, eq), kv.substr(eq + 1));
  }
  for (const auto& var : cmd.environment().variables()) {
    if (var.type() == mesos::Environment::Variable::SECRET) continue;
    put(var.name(), var.value());
  }
  std::vector<std::string> out;
  for (const auto& name : order) out.push_back(name + "=" + env[name]);
  return out;
}

}  // namespace

NestedContainer::NestedContainer(uv_loop_t* loop, Launch launch)
    : loop_(loop), id_(launch.id), launch_(std::move(launch)), tty_(launch_.tty) {}

NestedContainer::~NestedContainer() {
  if (pid_ > 0 && !wait_status_) killGroup();
  for (auto& o : outputs_) o.conn->setOnDrained(nullptr);
  closeFd(pty_);
  closeFd(out_);
  closeFd(err_);
  closeFd(in_);
  closeHandle(heartbeat_);
  closeHandle(drain_);
}

bool NestedContainer::start(std::string& error) {
  const mesos::CommandInfo& cmd = launch_.command;
  std::vector<std::string> argv;
  std::string exe;
  if (cmd.shell()) {  // `shell` defaults to true.
    exe = "/bin/sh";
    argv = {"sh", "-c", cmd.value()};
  } else {
    exe = cmd.value();
    argv.assign(cmd.arguments().begin(), cmd.arguments().end());
  }
  std::vector<std::string> env = buildEnv(launch_.base_env, cmd);
  // Switch user only when we can (running as root); otherwise the parent's.
  std::optional<passwd> account;
  std::string pw_buf(16384, '\0');
  if (cmd.has_user() && geteuid() == 0) {
    passwd pw{};
    passwd* found = nullptr;
    if (getpwnam_r(cmd.user().c_str(), &pw, pw_buf.data(), pw_buf.size(), &found) != 0 || !found) {
      error = "Failed to find user '" + cmd.user() + "'";
      return false;
    }
    account = pw;
  }
  std::vector<char*> c_argv, c_env;
  for (auto& a : argv) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  for (auto& e : env) c_env.push_back(e.data());
  c_env.push_back(nullptr);

  int master = -1, slave = -1;
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  if (tty_) {
    // No winsize: the terminal starts at 0x0 until a TTY_INFO arrives.
    if (openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) {
      error = std::string("Failed to open a pty: ") + std::strerror(errno);
      return false;
    }
  } else if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    error = std::string("Failed to create pipes: ") + std::strerror(errno);
    return false;
  }
  pid_t pid = fork();
  if (pid < 0) {
    error = std::string("Failed to fork: ") + std::strerror(errno);
    return false;
  }
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int s : {SIGPIPE, SIGCHLD, SIGINT, SIGTERM, SIGHUP}) signal(s, SIG_DFL);
    setsid();
    if (tty_) {
      ioctl(slave, TIOCSCTTY, 0);
      dup2(slave, 0);
      dup2(slave, 1);
      dup2(slave, 2);
      if (slave > 2) close(slave);
      close(master);
    } else {
      dup2(in[0], 0);
      dup2(out[1], 1);
      dup2(err[1], 2);
    }
    if (!launch_.cwd.empty() && chdir(launch_.cwd.c_str()) != 0) _exit(1);
    if (account) {
      if (initgroups(account->pw_name, account->pw_gid) != 0 || setgid(account->pw_gid) != 0 ||
          setuid(account->pw_uid) != 0) {
        dprintf(2, "Failed to change user to '%s': %s\n", account->pw_name, strerror(errno));
        _exit(1);
      }
    }
    environ = c_env.data();
    execvp(exe.c_str(), c_argv.data());
    dprintf(2, "Failed to execute '%s': %s\n", exe.c_str(), strerror(errno));
    _exit(1);
  }
  pid_ = pid;
  if (tty_) {
    close(slave);
    pty_.fd = master;
  } else {
    close(in[0]);
    close(out[1]);
    close(err[1]);
    in_.fd = in[1];
    out_.fd = out[0];
    err_.fd = err[0];
  }
  return true;
}

void NestedContainer::openFd(Fd& fd, int raw, ProcessIO::Data::Type stream) {
  fd.fd = raw;
  fcntl(raw, F_SETFL, fcntl(raw, F_GETFL) | O_NONBLOCK);
  fd.stream = stream;
  fd.poll = newHandle<uv_poll_t>(this);
  uv_poll_init(loop_, fd.poll, raw);
}

void NestedContainer::closeFd(Fd& fd) {
  if (fd.poll != nullptr) {
    uv_poll_stop(fd.poll);
    closeHandle(fd.poll);
  }
  if (fd.fd >= 0) close(fd.fd);
  fd = Fd{};
}

bool NestedContainer::backpressured() const {
  for (const auto& o : outputs_) {
    if (o.conn->pendingBytes() > kHighWater) return true;
  }
  return false;
}

void NestedContainer::updatePolls() {
  auto set = [&](Fd& fd, int events) {
    if (fd.poll == nullptr || fd.events == events) return;
    fd.events = events;
    if (events == 0) {
      uv_poll_stop(fd.poll);
      return;
    }
    uv_poll_start(fd.poll, events, [](uv_poll_t* h, int status, int ev) {
      auto* self = static_cast<NestedContainer*>(h->data);
      if (self == nullptr) return;
      ProcessIO::Data::Type stream = h == self->err_.poll ? ProcessIO::Data::STDERR : ProcessIO::Data::STDOUT;
      if ((ev & UV_WRITABLE) || (status < 0 && h == self->in_.poll)) self->onStdinWritable();
      if (h->data == nullptr) return;
      if ((ev & UV_READABLE) || (status < 0 && h != self->in_.poll)) self->onReadable(stream);
    });
  };
  bool read = reading_started_ && !backpressured();
  if (tty_) {
    int events = 0;
    if (read && !out_eof_) events |= UV_READABLE;
    if (!stdin_queue_.empty() && !out_eof_) events |= UV_WRITABLE;
    set(pty_, events);
    return;
  }
  set(out_, read && !out_eof_ ? UV_READABLE : 0);
  set(err_, read && !err_eof_ ? UV_READABLE : 0);
  set(in_, !stdin_queue_.empty() ? UV_WRITABLE : 0);
}

void NestedContainer::addOutput(HttpConnection& conn, agent::ContentType type, bool launch_connection) {
  outputs_.push_back({&conn, type});
  if (launch_connection) launch_conn_ = &conn;
  conn.setOnDrained([this] { updatePolls(); });
  if (!reading_started_) {
    reading_started_ = true;
    if (tty_) {
      openFd(pty_, pty_.fd, ProcessIO::Data::STDOUT);
      err_eof_ = true;  // One merged stream: STDOUT records only.
    } else {
      openFd(out_, out_.fd, ProcessIO::Data::STDOUT);
      openFd(err_, err_.fd, ProcessIO::Data::STDERR);
      openFd(in_, in_.fd, ProcessIO::Data::STDIN);
    }
    heartbeat_ = newHandle<uv_timer_t>(this);
    uv_timer_init(loop_, heartbeat_);
    uv_timer_start(heartbeat_, [](uv_timer_t* t) {
      auto* self = static_cast<NestedContainer*>(t->data);
      if (self != nullptr) {
        self->broadcast(agent::heartbeatOutput(int64_t(self->launch_.heartbeat_ms) * 1000000));
      }
    }, launch_.heartbeat_ms, launch_.heartbeat_ms);
  }
  updatePolls();
}

void NestedContainer::outputClosed(HttpConnection& conn) {
  conn.setOnDrained(nullptr);
  outputs_.remove_if([&](const Output& o) { return o.conn == &conn; });
  if (&conn == launch_conn_) {
    launch_conn_ = nullptr;
    if (!ended_) killGroup();  // The agent destroys the session container.
  }
  updatePolls();
}

void NestedContainer::broadcast(const ProcessIO& record) {
  std::string json, pb;
  for (auto& o : outputs_) {
    std::string& encoded = o.type == agent::ContentType::kJson ? json : pb;
    if (encoded.empty()) encoded = agent::encodeRecord(agent::encodeMessage(record, o.type));
    o.conn->sendChunk(encoded);
  }
}

void NestedContainer::onReadable(ProcessIO::Data::Type stream) {
  if (readOnce(stream)) updatePolls();
}

bool NestedContainer::readOnce(ProcessIO::Data::Type stream) {
  Fd& fd = tty_ ? pty_ : (stream == ProcessIO::Data::STDOUT ? out_ : err_);
  bool& eof = stream == ProcessIO::Data::STDOUT ? out_eof_ : err_eof_;
  if (fd.fd < 0 || eof) return false;
  char buf[16 * 4096];  // The switchboard's BUFFERED_READ_SIZE.
  ssize_t n = read(fd.fd, buf, sizeof buf);
  if (n > 0) {
    broadcast(agent::outputRecord(stream, std::string_view(buf, static_cast<size_t>(n))));
    return true;
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return false;
  // 0 on a pipe, EIO on the pty master once every slave is closed.
  eof = true;
  if (!tty_) closeFd(fd);
  updatePolls();
  maybeEnd();
  return false;
}

void NestedContainer::drainReadable() {
  for (auto stream : {ProcessIO::Data::STDOUT, ProcessIO::Data::STDERR}) {
    while (!ended_ && readOnce(stream)) {
    }
  }
}

bool NestedContainer::writeStdin(std::string_view bytes, std::string& error) {
  if (bytes.empty()) {
    if (!tty_) closeStdin();  // A PTY gets zero bytes: nothing happens.
    return true;
  }
  if (stdin_closed_ || (tty_ ? pty_.fd < 0 : in_.fd < 0)) {
    error = "Failed writing to stdin: Bad file descriptor";
    return false;
  }
  stdin_queue_.append(bytes);
  onStdinWritable();
  return true;
}

void NestedContainer::onStdinWritable() {
  int fd = tty_ ? pty_.fd : in_.fd;
  while (!stdin_queue_.empty() && fd >= 0) {
    ssize_t n = write(fd, stdin_queue_.data(), stdin_queue_.size());
    if (n > 0) {
      stdin_queue_.erase(0, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
    stdin_queue_.clear();
    if (!tty_) {
      stdin_closed_ = true;
      closeFd(in_);
    }
  }
  if (stdin_queue_.empty() && stdin_closed_ && !tty_ && in_.fd >= 0) closeFd(in_);
  updatePolls();
}

void NestedContainer::closeStdin() {
  stdin_closed_ = true;
  if (stdin_queue_.empty() && in_.fd >= 0) closeFd(in_);
}

bool NestedContainer::setWindowSize(uint32_t rows, uint32_t columns, std::string& error) {
  winsize size{};
  size.ws_row = static_cast<unsigned short>(rows);
  size.ws_col = static_cast<unsigned short>(columns);
  int fd = tty_ ? pty_.fd : in_.fd;
  if (fd < 0 || ioctl(fd, TIOCSWINSZ, &size) != 0) {
    error = std::string("Unable to set the window size: ") + std::strerror(fd < 0 ? EBADF : errno);
    return false;
  }
  return true;
}

bool NestedContainer::sendSignal(int signal) { return pid_ > 0 && !wait_status_ && ::kill(pid_, signal) == 0; }

void NestedContainer::killGroup() {
  if (pid_ > 0 && !wait_status_) ::kill(-pid_, SIGKILL);
}

void NestedContainer::onExit(int wait_status) {
  wait_status_ = wait_status;
  // Whatever still holds the output open (a background job) gets a second.
  drain_ = newHandle<uv_timer_t>(this);
  uv_timer_init(loop_, drain_);
  uv_timer_start(drain_, [](uv_timer_t* t) {
    auto* self = static_cast<NestedContainer*>(t->data);
    if (self == nullptr || self->ended_) return;
    if (self->backpressured()) {
      uv_timer_start(t, t->timer_cb, 1000, 0);
      return;
    }
    ::kill(-self->pid_, SIGKILL);
    // What the pipes already hold is output, not a holder: read it all before
    // calling the streams ended. (On a busy loop this timer can run before the
    // poll that would have read it.)
    self->drainReadable();
    if (self->ended_) return;
    self->out_eof_ = self->err_eof_ = true;
    self->maybeEnd();
  }, 1000, 0);
  maybeEnd();
}

void NestedContainer::destroy() {
  if (ended_) return;
  // The whole group, even after its leader exited: what it started may live on.
  if (pid_ > 0) ::kill(-pid_, SIGKILL);
  if (pid_ > 0 && !wait_status_) {
    int status = 0;
    pid_t reaped;
    do {
      reaped = waitpid(pid_, &status, 0);  // SIGKILL: a bounded wait.
    } while (reaped < 0 && errno == EINTR);
    wait_status_ = reaped == pid_ ? status : SIGKILL;
  } else if (!wait_status_) {
    wait_status_ = SIGKILL;  // Never started.
  }
  finish();
}

void NestedContainer::maybeEnd() {
  if (ended_ || !wait_status_ || !out_eof_ || !err_eof_) return;
  finish();
}

void NestedContainer::finish() {
  ended_ = true;
  closeHandle(heartbeat_);
  closeHandle(drain_);
  closeFd(pty_);
  closeFd(in_);
  auto outputs = std::move(outputs_);
  outputs_.clear();
  launch_conn_ = nullptr;
  for (auto& o : outputs) {
    o.conn->setOnDrained(nullptr);
    o.conn->endStream();
  }
  auto callbacks = std::move(on_ended_);
  for (auto& fn : callbacks) fn();
}

}  // namespace airlock::emulator
