#include "net/listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <pwd.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <spdlog/spdlog.h>

#include "net/unix_listen_socket.h"

namespace airlock::net {
namespace {

constexpr int kBacklog = 1024;
constexpr int kAcceptsPerWakeup = 64;

Result<sockaddr_storage> resolve(const std::string& host, uint16_t port, socklen_t& len) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  // Numeric addresses and "localhost" resolve without the network.
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return Error{"cannot resolve listen address '" + host + "': " + gai_strerror(rc)};
  }
  sockaddr_storage addr{};
  std::memcpy(&addr, found->ai_addr, found->ai_addrlen);
  len = found->ai_addrlen;
  freeaddrinfo(found);
  return addr;
}

}  // namespace

std::string formatAddress(const sockaddr_storage& addr) {
  char host[INET6_ADDRSTRLEN] = "?";
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    return std::string(host) + ":" + std::to_string(ntohs(in->sin_port));
  }
  if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
    return "[" + std::string(host) + "]:" + std::to_string(ntohs(in6->sin6_port));
  }
  return "unknown";
}

bool isLoopback(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  }
  if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr)) return true;
    // IPv4-mapped 127.0.0.0/8.
    return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && in6->sin6_addr.s6_addr[12] == 127;
  }
  return false;
}

Result<std::unique_ptr<Listener>> Listener::create(uv_loop_t* loop, const std::string& host,
                                                   uint16_t port, AcceptFn on_accept) {
  socklen_t len = 0;
  auto addr = resolve(host, port, len);
  if (!addr) return addr.error();
  int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error::fromErrno("socket");
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (addr->ss_family == AF_INET6) {
    // "::1" means exactly ::1; never widen to IPv4 as well.
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&*addr), len) != 0) {
    int err = errno;
    close(fd);
    return Error::fromErrno("cannot listen on " + formatAddress(*addr), err);
  }
  if (listen(fd, kBacklog) != 0) {
    int err = errno;
    close(fd);
    return Error::fromErrno("listen on " + formatAddress(*addr), err);
  }
  return watch(loop, fd, std::move(on_accept));
}

Result<std::unique_ptr<Listener>> Listener::createUnix(uv_loop_t* loop, const std::string& path,
                                                       AcceptFn on_accept) {
  auto made = listenOnUnixPath(path, kBacklog);
  if (!made) return made.error();
  auto listener = watch(loop, made->fd, std::move(on_accept));
  if (!listener) {
    // `watch` closed the fd with the Listener it could not finish.
    unlinkOwnSocket(path, *made);
    return listener.error();
  }
  (*listener)->unix_path_ = path;
  (*listener)->unix_dev_ = made->dev;
  (*listener)->unix_ino_ = made->ino;
  return listener;
}

Result<std::unique_ptr<Listener>> Listener::adopt(uv_loop_t* loop, int fd, AcceptFn on_accept) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
    return Error::fromErrno("cannot use the inherited listening socket");
  }
  fcntl(fd, F_SETFD, FD_CLOEXEC);  // Never inherited by the sessions' processes.
  return watch(loop, fd, std::move(on_accept));
}

Result<std::unique_ptr<Listener>> Listener::watch(uv_loop_t* loop, int fd, AcceptFn on_accept) {
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_len);

  std::unique_ptr<Listener> self(new Listener(loop, fd, std::move(on_accept)));
  if (bound.ss_family == AF_UNIX) {
    const auto* un = reinterpret_cast<const sockaddr_un*>(&bound);
    self->unix_ = true;
    self->bound_ = "unix:" + std::string(un->sun_path, strnlen(un->sun_path, sizeof un->sun_path));
  } else {
    self->bound_ = formatAddress(bound);
    self->loopback_ = isLoopback(bound);
    self->port_ = ntohs(bound.ss_family == AF_INET
                            ? reinterpret_cast<sockaddr_in*>(&bound)->sin_port
                            : reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  }
  self->reserve_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (self->unix_) self->uid_map_ = UidMap::ofThisProcess();
  auto poll = UvHandle<uv_poll_t>::create(
      [&](uv_poll_t* h) { return uv_poll_init(loop, h, fd); }, self.get());
  if (!poll) return Error{"cannot watch the listening socket: " + poll.error().message};
  self->poll_ = std::move(*poll);
  uv_poll_start(self->poll_.get(), UV_READABLE, onUvPoll);
  return self;
}

Listener::~Listener() { stop(); }

void Listener::stop() {
  if (fd_ < 0) return;
  resume_timer_.reset();
  poll_.reset();  // Removes the fd from the loop before we close it.
  close(fd_);
  fd_ = -1;
  if (reserve_fd_ >= 0) close(std::exchange(reserve_fd_, -1));
  if (!unix_path_.empty()) {
    unlinkOwnSocket(unix_path_, UnixListenSocket{-1, unix_dev_, unix_ino_});
  }
}

void Listener::onUvPoll(uv_poll_t* handle, int status, int /*events*/) {
  auto* self = ownerOf<Listener>(handle);
  if (self == nullptr) return;
  if (status < 0) {
    spdlog::error("listening socket error: {}", uv_strerror(status));
    return;
  }
  self->acceptAll();
}

void Listener::acceptAll() {
  // Bounded, so a connection storm cannot starve the sessions' I/O.
  for (int i = 0; i < kAcceptsPerWakeup && fd_ >= 0; ++i) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    int fd = accept4(fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      int err = errno;
      if (err == EAGAIN || err == EINTR || err == ECONNABORTED) return;
      if (err == EMFILE || err == ENFILE) {
        if (shedOneConnection(err)) continue;
        pauseAccepting();
        return;
      }
      spdlog::warn("accept failed: {}", std::strerror(err));
      return;
    }
    if (reserve_fd_ < 0) {
      // Descriptors are free again: take the reserve back first.
      reserve_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
    if (!unix_) {
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    on_accept_(fd, describePeer(fd, peer));
  }
}

PeerAddress Listener::describePeer(int fd, const sockaddr_storage& peer) const {
  if (!unix_) return PeerAddress{formatAddress(peer), isLoopback(peer), std::nullopt};
  ucred cred{};
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    // Unknown callers are nobody in particular: no local identity at all.
    return PeerAddress{"unix:unknown", true, std::nullopt};
  }
  if (!uid_map_.contains(cred.uid)) {
    // In a user namespace (systemd's PrivateUsers=yes) every uid outside it
    // reads as the overflow uid: that is many users, so none of them.
    return PeerAddress{"unix:unmapped-uid,pid=" + std::to_string(cred.pid), true, std::nullopt};
  }
  return PeerAddress{"unix:uid=" + std::to_string(cred.uid) + ",pid=" + std::to_string(cred.pid),
                     true, PeerCredentials{cred.uid, cred.gid, cred.pid}};
}

void Listener::pauseAccepting() {
  if (!resume_timer_) {
    resume_timer_.emplace(loop_, [this] {
      if (fd_ >= 0 && poll_) uv_poll_start(poll_.get(), UV_READABLE, onUvPoll);
    });
  }
  if (poll_) uv_poll_stop(poll_.get());
  resume_timer_->start(kFdPauseMs);
}

bool Listener::shedOneConnection(int err) {
  ++refused_for_fds_;
  ++refused_since_log_;
  uint64_t now = uv_now(loop_);
  if (last_fd_log_ms_ == 0 || now - last_fd_log_ms_ >= kFdExhaustionLogSeconds * 1000ULL) {
    spdlog::error("out of file descriptors ({}): refused {} connection(s) in the last {} s; "
                  "raise LimitNOFILE or lower limits.max_connections",
                  std::strerror(err), refused_since_log_, kFdExhaustionLogSeconds);
    last_fd_log_ms_ = now;
    refused_since_log_ = 0;
  }
  if (reserve_fd_ < 0) return false;  // It could not be retaken yet.
  close(std::exchange(reserve_fd_, -1));
  int fd = accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd >= 0) close(fd);
  reserve_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
  return fd >= 0;
}

}  // namespace airlock::net
