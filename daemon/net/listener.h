// Listener: the daemon's listening TCP socket. We bind and accept ourselves
// rather than letting lws do it: lws 4.1.6 binds every interface for
// "127.0.0.1" unless IPv6 is disabled, reports a failed bind only in its log,
// and cannot take a socket from systemd. Accepted sockets go to `on_accept`
// (which hands them to lws). Under socket activation the listening socket
// comes from systemd instead (`adopt`). Owned by the Daemon; loop thread only.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <uv.h>

#include <functional>
#include <memory>
#include <string>

#include "airlock/result.h"
#include "airlock/uv_handle.h"

namespace airlock::net {

struct PeerAddress {
  std::string text;     // "127.0.0.1:53422", "[::1]:53422".
  bool loopback = false;
};

class Listener {
 public:
  using AcceptFn = std::function<void(int fd, const PeerAddress& peer)>;

  // Binds `host:port` (port 0 picks a free port) and starts accepting.
  static Result<std::unique_ptr<Listener>> create(uv_loop_t* loop, const std::string& host,
                                                  uint16_t port, AcceptFn on_accept);
  // Takes a socket that already listens (fd 3 from systemd) and accepts on
  // it; the Listener owns it from then on.
  static Result<std::unique_ptr<Listener>> adopt(uv_loop_t* loop, int fd, AcceptFn on_accept);
  ~Listener();

  // "127.0.0.1:PORT" with the port actually bound.
  const std::string& boundAddress() const { return bound_; }
  uint16_t boundPort() const { return port_; }
  bool boundToLoopback() const { return loopback_; }
  void stop();

 private:
  Listener(int fd, AcceptFn on_accept) : fd_(fd), on_accept_(std::move(on_accept)) {}
  // Reads the bound address and starts polling `fd` (which listens).
  static Result<std::unique_ptr<Listener>> watch(uv_loop_t* loop, int fd, AcceptFn on_accept);
  static void onUvPoll(uv_poll_t* handle, int status, int events);
  void acceptAll();

  int fd_;
  AcceptFn on_accept_;
  UvHandle<uv_poll_t> poll_;
  std::string bound_;
  uint16_t port_ = 0;
  bool loopback_ = false;
};

std::string formatAddress(const sockaddr_storage& addr);
bool isLoopback(const sockaddr_storage& addr);

}  // namespace airlock::net
