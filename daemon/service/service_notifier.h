// ServiceNotifier: airlockd's side of systemd's Type=notify protocol
// (sd_notify(3)): READY=1 once the listener is up, STATUS= with the live
// counts, WATCHDOG=1 from a timer on the daemon's own loop (so a loop that
// is stuck stops the pings and systemd kills it), RELOADING=1 around a
// SIGHUP reload, STOPPING=1 when the drain begins.
//
// It reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID once at start and
// removes them from the environment, so the shells the daemon spawns cannot
// talk to systemd in its name. The datagrams are written by hand (one
// AF_UNIX SOCK_DGRAM sendto; a leading '@' is the abstract namespace): the
// protocol is that small, and it does not depend on the environment later.
// Without NOTIFY_SOCKET every call is a no-op. Owned by the Daemon; loop
// thread only.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "loop/timer.h"

namespace airlock::service {

class ServiceNotifier {
 public:
  // `status` is asked for the STATUS= text on every tick; it is sent when it
  // changed.
  ServiceNotifier(uv_loop_t* loop, std::function<std::string()> status);

  bool enabled() const { return !socket_path_.empty(); }
  // The watchdog interval systemd asked for (0: none).
  uint64_t watchdogUsec() const { return watchdog_usec_; }

  // READY=1 with the first STATUS=, then the status/watchdog timer starts.
  void ready();
  void reloading();
  // READY=1 again after a reload.
  void reloaded();
  // STOPPING=1; the watchdog keeps running (the drain still runs the loop).
  void stopping(const std::string& why);
  // Stops the timer (the last step of the shutdown).
  void close();

 private:
  void tick();
  void send(const std::string& message);

  uv_loop_t* loop_;
  std::function<std::string()> status_;
  std::string socket_path_;
  uint64_t watchdog_usec_ = 0;
  std::optional<loop::Timer> timer_;
  std::string last_status_;
  bool stopping_ = false;  // STATUS= then stays "stopping: ...".
};

}  // namespace airlock::service
