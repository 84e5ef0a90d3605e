// PermissionSource: where a uid's groups and grants come from: the policy file
// (FilePermissionSource) or the DC/OS IAM HTTP API (IamPermissionSource).
// Errors fail closed: the caller denies. Loop thread only.
#pragma once

#include <functional>
#include <string>

#include "airlock/result.h"
#include "auth/subject.h"

namespace airlock::auth {

class PermissionSource {
 public:
  using Done = std::function<void(Result<Subject>)>;
  virtual ~PermissionSource() = default;

  // Looks `uid` up; `done` runs on the loop thread, possibly before this
  // returns. `uid` is already known to be in the DC/OS alphabet.
  virtual void lookup(const std::string& uid, Done done) = 0;
  // The same, blocking (check-access only).
  virtual Result<Subject> lookupBlocking(const std::string& uid) = 0;
  // SIGHUP: re-read what can be re-read. On failure the previous state stays.
  virtual Result<void> reload() { return {}; }
};

}  // namespace airlock::auth
