// DaemonMetrics: the metrics airlockd exposes on /metrics, created in one
// place so names, help texts and labels are reviewed together. Code that
// counts something holds a `DaemonMetrics*` (null in unit tests that build
// pieces alone) and updates the fields; new metrics can also be added to
// `registry` directly (the recorder's are here already). Owned by the
// Daemon; loop thread only.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "service/metrics_registry.h"

namespace airlock::session {
class SessionRegistry;
}

namespace airlock::metrics {

struct DaemonMetrics {
  DaemonMetrics(Registry& registry, const std::string& backend, const std::string& version);

  // Sessions by state (starting, running, ending) and connections, counted
  // at each scrape from `sessions`.
  void watchSessions(const session::SessionRegistry& sessions,
                     std::function<size_t()> connection_count);
  // An authorization decision: "allow", "deny" or "unauthenticated".
  void decision(std::string_view verdict);

  Registry& registry;
  Counter& sessions_started;      // airlock_sessions_started_total
  Counter& sessions_refused;      // airlock_sessions_refused_total
  Counter& stdin_bytes;           // airlock_session_bytes_total{direction="stdin"}
  Counter& stdout_bytes;          // ...{direction="stdout"}
  Counter& stderr_bytes;          // ...{direction="stderr"}
  Counter& recording_bytes;       // airlock_recording_bytes_written_total
  Counter& recording_failures;    // airlock_recording_failures_total
  Histogram& setup_seconds;       // OPEN received -> OPENED queued (auth included)
  Histogram& echo_seconds;        // STDIN received -> the channel's next output frame written
  Histogram& loop_lag_seconds;    // how late a loop timer fired
  Gauge& draining;                // 1 while the daemon drains (SIGTERM)

 private:
  Counter& decisions_allow_;
  Counter& decisions_deny_;
  Counter& decisions_unauthenticated_;
  std::string backend_;
};

}  // namespace airlock::metrics
