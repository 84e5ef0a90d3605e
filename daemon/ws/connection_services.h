// ConnectionServices: what a client connection needs from the daemon, passed
// by reference so connections do not know the Daemon. Owned by the Daemon.
#pragma once

#include <string>

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
};

}  // namespace airlock::ws
