#include "service/service_notifier.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <spdlog/spdlog.h>

namespace airlock::service {
namespace {

// STATUS= is refreshed at least this often, also without a watchdog.
constexpr uint64_t kStatusIntervalMs = 1000;

std::string takeEnv(const char* name) {
  const char* value = std::getenv(name);
  std::string copy = value != nullptr ? value : "";
  unsetenv(name);
  return copy;
}

}  // namespace

ServiceNotifier::ServiceNotifier(uv_loop_t* loop, std::function<std::string()> status)
    : loop_(loop), status_(std::move(status)) {
  socket_path_ = takeEnv("NOTIFY_SOCKET");
  std::string usec = takeEnv("WATCHDOG_USEC");
  std::string pid = takeEnv("WATCHDOG_PID");
  // WATCHDOG_PID, when set, names the process the watchdog is meant for.
  bool for_us = pid.empty() || pid == std::to_string(getpid());
  if (!usec.empty() && for_us) watchdog_usec_ = std::strtoull(usec.c_str(), nullptr, 10);
  if (socket_path_.size() >= sizeof(sockaddr_un::sun_path)) {
    spdlog::warn("NOTIFY_SOCKET is too long; systemd notifications are off");
    socket_path_.clear();
  }
}

void ServiceNotifier::ready() {
  if (!enabled()) return;
  last_status_ = status_();
  send("READY=1\nSTATUS=" + last_status_ + "\nMAINPID=" + std::to_string(getpid()));
  // Pings at a third of the interval: systemd wants them at least twice per
  // interval (sd_watchdog_enabled(3)), and the margin absorbs loop lag.
  uint64_t interval_ms = kStatusIntervalMs;
  if (watchdog_usec_ > 0) interval_ms = std::clamp<uint64_t>(watchdog_usec_ / 3000, 1, kStatusIntervalMs);
  timer_.emplace(loop_, [this] { tick(); });
  timer_->start(interval_ms, interval_ms);
  if (watchdog_usec_ > 0) send("WATCHDOG=1");
}

void ServiceNotifier::reloading() { send("RELOADING=1"); }

void ServiceNotifier::reloaded() {
  last_status_ = status_();
  send("READY=1\nSTATUS=" + last_status_);
}

void ServiceNotifier::stopping(const std::string& why) {
  stopping_ = true;
  last_status_ = "stopping: " + why;
  send("STOPPING=1\nSTATUS=" + last_status_);
}

void ServiceNotifier::close() { timer_.reset(); }

void ServiceNotifier::tick() {
  std::string message;
  if (watchdog_usec_ > 0) message = "WATCHDOG=1";
  if (std::string status = status_(); !stopping_ && status != last_status_) {
    last_status_ = std::move(status);
    message += (message.empty() ? "" : "\n") + ("STATUS=" + last_status_);
  }
  if (!message.empty()) send(message);
}

void ServiceNotifier::send(const std::string& message) {
  if (!enabled()) return;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_path_.data(), socket_path_.size());
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size());
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';  // Abstract namespace.
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  if (sendto(fd, message.data(), message.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr),
             len) < 0) {
    spdlog::debug("sd_notify to {} failed: {}", socket_path_, std::strerror(errno));
  }
  ::close(fd);
}

}  // namespace airlock::service
