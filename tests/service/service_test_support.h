// Helpers of the service tests: a NOTIFY_SOCKET receiver the test owns, a
// plain HTTP GET, a free loopback port, scoped environment variables and
// files. Test thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace airlock::testing {

// A bound AF_UNIX datagram socket standing in for systemd's notify socket.
class NotifyReceiver {
 public:
  NotifyReceiver();
  ~NotifyReceiver();
  const std::string& path() const { return path_; }
  // The next datagram, or "" at the timeout.
  std::string next(std::chrono::milliseconds timeout);
  // Datagrams until one contains `needle` (returned), or "" at the timeout.
  std::string waitFor(const std::string& needle, std::chrono::milliseconds timeout);
  // Every datagram that arrives within `window`.
  std::vector<std::string> collect(std::chrono::milliseconds window);

 private:
  int fd_ = -1;
  std::string path_;
};

struct HttpReply {
  int status = 0;
  std::string headers;  // Raw, lower-cased names not guaranteed.
  std::string body;
};
// GET `path` from 127.0.0.1:`port` (Connection: close); status 0 on failure.
HttpReply httpGet(uint16_t port, const std::string& path);

// A port nobody listens on right now (bound then released).
uint16_t freeLoopbackPort();
uint16_t portOfUrl(const std::string& url);

// Sets an environment variable for the scope (the daemons the test starts
// inherit it), restoring the previous state after.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const std::string& value);
  ~ScopedEnv();

 private:
  std::string name_;
  bool had_ = false;
  std::string old_;
};

// A file under /tmp removed at the end of the scope.
class TempFile {
 public:
  explicit TempFile(const std::string& contents, const std::string& suffix = ".toml");
  ~TempFile();
  const std::string& path() const { return path_; }
  void write(const std::string& contents) const;

 private:
  std::string path_;
};

// True when `text` contains `needle` before `deadline` passes, polling `read`.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

}  // namespace airlock::testing
