// ConnectionServices: what a client connection needs from the daemon, passed
// by reference so connections do not know the Daemon. Owned by the Daemon.
#pragma once

#include <string>
#include <vector>

#include "auth/auth_service.h"
#include "backend/process.h"
#include "config/config.h"
#include "frame.h"
#include "service/daemon_metrics.h"
#include "session/session_registry.h"
#include "ws/http_endpoints.h"

namespace airlock::ws {

struct ConnectionServices {
  session::SessionRegistry& registry;
  backend::Backend& backend;
  const config::Limits& limits;
  proto::FrameLimits frame_limits;
  // Authentication and authorization; null when auth is off (no [auth] key
  // source, or --insecure-no-auth): every caller is then "anonymous".
  auth::AuthService* auth = nullptr;
  // Counters and latencies for /metrics; null when not measured (unit tests).
  metrics::DaemonMetrics* metrics = nullptr;
  // /metrics and /healthz; null: every plain HTTP request gets 404.
  HttpEndpoints* http = nullptr;
  // auth.allowed_origins: an upgrade carrying any other Origin is refused
  // (403), with or without auth. Empty: every browser page is refused.
  std::vector<std::string> allowed_origins{};
  // Set when SIGTERM starts the drain: new OPENs get SHUTTING_DOWN.
  bool draining = false;
};

}  // namespace airlock::ws
