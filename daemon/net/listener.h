// Listener: the daemon's listening socket, a Unix-domain one (the default) or
// TCP. We bind and accept ourselves rather than letting lws do it: lws 4.1.6
// binds every interface for "127.0.0.1" unless IPv6 is disabled, reports a
// failed bind only in its log, and cannot take a socket from systemd.
// Accepted sockets go to `on_accept` (which hands them to lws), with the
// caller's SO_PEERCRED on a Unix socket. Under socket activation the
// listening socket comes from systemd instead (`adopt`).
// When accept() runs out of file descriptors (EMFILE, ENFILE) the Listener
// gives up a reserve descriptor to accept and close the waiting connection,
// so the backlog does not keep the loop spinning; it logs that once per
// kFdExhaustionLogSeconds and takes the reserve back when fds free up.
// Owned by the Daemon; loop thread only.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <uv.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "airlock/result.h"
#include "airlock/uv_handle.h"
#include "loop/timer.h"
#include "net/uid_map.h"

namespace airlock::net {

// Who is at the other end of a Unix socket, as the kernel says (SO_PEERCRED).
struct PeerCredentials {
  uid_t uid = 0;
  gid_t gid = 0;
  pid_t pid = 0;
};

struct PeerAddress {
  std::string text;     // "127.0.0.1:53422", "[::1]:53422", "unix:uid=1000,pid=4242".
  bool loopback = false;
  std::optional<PeerCredentials> local;  // Set on a Unix socket only.
};

inline constexpr int kFdExhaustionLogSeconds = 10;
inline constexpr uint64_t kFdPauseMs = 100;

class Listener {
 public:
  using AcceptFn = std::function<void(int fd, const PeerAddress& peer)>;

  // Binds `host:port` (port 0 picks a free port) and starts accepting.
  static Result<std::unique_ptr<Listener>> create(uv_loop_t* loop, const std::string& host,
                                                  uint16_t port, AcceptFn on_accept);
  // Binds the Unix socket `path` (see unix_listen_socket.h) and starts
  // accepting; the socket file is removed when the Listener stops.
  static Result<std::unique_ptr<Listener>> createUnix(uv_loop_t* loop, const std::string& path,
                                                      AcceptFn on_accept);
  // Takes a socket that already listens (fd 3 from systemd) and accepts on
  // it; the Listener owns it from then on.
  static Result<std::unique_ptr<Listener>> adopt(uv_loop_t* loop, int fd, AcceptFn on_accept);
  ~Listener();

  // "127.0.0.1:PORT" with the port actually bound, or "unix:/PATH".
  const std::string& boundAddress() const { return bound_; }
  uint16_t boundPort() const { return port_; }
  bool boundToLoopback() const { return loopback_; }
  bool isUnix() const { return unix_; }
  // Connections refused because the daemon had no file descriptor left.
  uint64_t refusedForFds() const { return refused_for_fds_; }
  void stop();

 private:
  Listener(uv_loop_t* loop, int fd, AcceptFn on_accept)
      : loop_(loop), fd_(fd), on_accept_(std::move(on_accept)) {}
  // Reads the bound address and starts polling `fd` (which listens).
  static Result<std::unique_ptr<Listener>> watch(uv_loop_t* loop, int fd, AcceptFn on_accept);
  static void onUvPoll(uv_poll_t* handle, int status, int events);
  void acceptAll();
  // accept() failed with EMFILE/ENFILE: accept into the reserve fd and close.
  // False when there was no reserve to give up: then accepting pauses for
  // kFdPauseMs (level-triggered polling would spin otherwise).
  bool shedOneConnection(int err);
  void pauseAccepting();
  PeerAddress describePeer(int fd, const sockaddr_storage& peer) const;

  uv_loop_t* loop_;
  int fd_;
  int reserve_fd_ = -1;                 // /dev/null, given up under EMFILE.
  uint64_t refused_for_fds_ = 0;
  uint64_t refused_since_log_ = 0;
  uint64_t last_fd_log_ms_ = 0;
  std::optional<loop::Timer> resume_timer_;
  bool unix_ = false;
  UidMap uid_map_;                      // Of our user namespace (Unix sockets).
  std::string unix_path_;               // Removed on stop, if still ours.
  dev_t unix_dev_ = 0;
  ino_t unix_ino_ = 0;
  AcceptFn on_accept_;
  UvHandle<uv_poll_t> poll_;
  std::string bound_;
  uint16_t port_ = 0;
  bool loopback_ = false;
};

std::string formatAddress(const sockaddr_storage& addr);
bool isLoopback(const sockaddr_storage& addr);

}  // namespace airlock::net
