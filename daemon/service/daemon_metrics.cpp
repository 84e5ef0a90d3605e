#include "service/daemon_metrics.h"

#include "session/session_registry.h"

namespace airlock::metrics {
namespace {
constexpr const char* kBytesHelp = "Session bytes relayed, by direction (stdin: from clients)";
constexpr const char* kDecisionsHelp = "Authorization decisions on upgrades and OPENs, by result";
}  // namespace

DaemonMetrics::DaemonMetrics(Registry& r, const std::string& backend, const std::string& version)
    : registry(r),
      sessions_started(r.counter("airlock_sessions_started_total", "Sessions started",
                                 {{"backend", backend}})),
      sessions_refused(r.counter("airlock_sessions_refused_total",
                                 "OPENs refused after authorization (limits, target, spawn)",
                                 {{"backend", backend}})),
      stdin_bytes(r.counter("airlock_session_bytes_total", kBytesHelp, {{"direction", "stdin"}})),
      stdout_bytes(r.counter("airlock_session_bytes_total", kBytesHelp, {{"direction", "stdout"}})),
      stderr_bytes(r.counter("airlock_session_bytes_total", kBytesHelp, {{"direction", "stderr"}})),
      recording_bytes(r.counter("airlock_recording_bytes_written_total",
                                "Bytes written to session recordings")),
      recording_failures(r.counter("airlock_recording_failures_total",
                                   "Recordings that failed (write errors, disk full)")),
      setup_seconds(r.histogram("airlock_session_setup_seconds",
                                "From OPEN received to OPENED queued, authorization included",
                                latencyBuckets())),
      echo_seconds(r.histogram("airlock_echo_latency_seconds",
                               "From STDIN received to the next output frame of that session",
                               latencyBuckets())),
      loop_lag_seconds(r.histogram("airlock_loop_lag_seconds",
                                   "How late a periodic event-loop timer fired", latencyBuckets())),
      draining(r.gauge("airlock_draining", "1 while the daemon drains before it stops")),
      decisions_allow_(r.counter("airlock_authz_decisions_total", kDecisionsHelp,
                                 {{"result", "allow"}})),
      decisions_deny_(r.counter("airlock_authz_decisions_total", kDecisionsHelp,
                                {{"result", "deny"}})),
      decisions_unauthenticated_(r.counter("airlock_authz_decisions_total", kDecisionsHelp,
                                           {{"result", "unauthenticated"}})),
      backend_(backend) {
  r.gauge("airlock_build_info", "Build of this airlockd (value 1)", {{"version", version}}).set(1);
}

void DaemonMetrics::watchSessions(const session::SessionRegistry& sessions,
                                  std::function<size_t()> connection_count) {
  using State = session::Session::State;
  const char* help = "Live sessions, by state and backend";
  Gauge* by_state[] = {
      &registry.gauge("airlock_sessions", help, {{"backend", backend_}, {"state", "starting"}}),
      &registry.gauge("airlock_sessions", help, {{"backend", backend_}, {"state", "running"}}),
      &registry.gauge("airlock_sessions", help, {{"backend", backend_}, {"state", "ending"}}),
  };
  Gauge& connections = registry.gauge("airlock_connections", "Open WebSocket connections");
  registry.addCollector([&sessions, by_state, &connections, count = std::move(connection_count)] {
    double n[3] = {0, 0, 0};
    sessions.forEach([&](const session::Session& s) {
      switch (s.state()) {
        case State::kStarting: ++n[0]; break;
        case State::kRunning: ++n[1]; break;
        case State::kEnding:
        case State::kEnded: ++n[2]; break;
      }
    });
    for (int i = 0; i < 3; ++i) by_state[i]->set(n[i]);
    connections.set(static_cast<double>(count()));
  });
}

void DaemonMetrics::decision(std::string_view verdict) {
  if (verdict == "allow") decisions_allow_.inc();
  else if (verdict == "deny") decisions_deny_.inc();
  else decisions_unauthenticated_.inc();
}

}  // namespace airlock::metrics
