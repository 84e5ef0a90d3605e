// Finding and checking a daemon's recordings from a test: the files under a
// recordings directory, the one of a session, the real airlock-replay, and a
// bounded wait until a session's recording is sealed. Test thread only.
#pragma once

#include <string>
#include <vector>

#include "command.h"
#include "daemon_process.h"

namespace airlock::testing {

// The recording files under `dir` (not the keys).
std::vector<std::string> recordings(const std::string& dir);
// The recording of `session_id` under `dir`, or "" if there is none (yet).
std::string recordingOf(const std::string& dir, const std::string& session_id);
// Runs airlock-replay with `args` (60 s at most).
CommandResult replay(std::vector<std::string> args);
// Waits (10 s at most) until the daemon has sealed the recording of
// `session_id`: `airlock-replay verify` passes on it.
bool waitSealed(const DaemonProcess& daemon, const std::string& session_id);

}  // namespace airlock::testing
