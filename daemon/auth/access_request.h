// AccessRequest: one question to the Authorizer, "may the caller do
// `operation` on this task?", with everything known about the task. For the
// local backend the task fields come from `backend::TargetInfo`. A plain
// value; any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "auth/operation.h"

namespace airlock::auth {

struct AccessRequest {
  Operation operation = Operation::kExec;
  std::string task_id;
  std::string app_id;       // DCOS_SPACE / Marathon app id; empty = unknown.
  std::string task_user;    // Empty = unset (the session would run as the executor's user).
  std::string run_as;       // Empty = the task user.
  std::string role;         // Empty = the Mesos default role "*".
  std::map<std::string, std::string> labels;
  std::string delegation;   // A delegation token, or empty.
  int64_t now = 0;          // Unix seconds.
};

}  // namespace airlock::auth
