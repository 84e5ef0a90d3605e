// ConnectionServices: what a client connection needs from the daemon, passed
// by reference so connections do not know the Daemon. Owned by the Daemon.
#pragma once

#include <string>

#include "auth/auth_service.h"
#include "backend/process.h"
#include "config/config.h"
#include "frame.h"
#include "session/session_registry.h"

namespace airlock::ws {

struct ConnectionServices {
  session::SessionRegistry& registry;
  backend::Backend& backend;
  const config::Limits& limits;
  proto::FrameLimits frame_limits;
  // Authentication and authorization; null when auth is off (no [auth] key
  // source, or --insecure-no-auth): every caller is then "anonymous".
  auth::AuthService* auth = nullptr;
};

}  // namespace airlock::ws
