#include "auth/local_access.h"

namespace airlock::auth {
namespace {

std::string nameOf(const LocalIdentity& who) {
  return who.user.empty() ? "uid " + std::to_string(who.uid) : who.user;
}

bool isExec(Operation op) { return op != Operation::kWatch; }

}  // namespace

std::string localDefaultRunAs(const Principal& caller) {
  // A uid without a passwd name has no default: its OPENs are refused
  // unless the policy grants them.
  if (!caller.local || caller.local->uid == 0) return "";
  return caller.local->user;
}

std::optional<Decision> decideLocally(const Principal& caller, const AccessRequest& request,
                                      const std::string& session_principal) {
  if (!caller.local) return std::nullopt;
  const LocalIdentity& who = *caller.local;
  if (who.uid == 0) return Decision::allow("local root (uid 0 on the daemon's socket)");
  if (isExec(request.operation)) {
    // Only on the host itself: inside a container or a task, the caller's
    // host name means nothing (its passwd may say uid 0); a grant decides.
    if (request.task_id == kHostTarget && !request.run_as.empty() &&
        request.run_as == localDefaultRunAs(caller)) {
      return Decision::allow("local user " + nameOf(who) + " runs a session as itself");
    }
    return std::nullopt;
  }
  if (!session_principal.empty() && session_principal == caller.uid) {
    return Decision::allow("local user " + nameOf(who) + " watches its own session");
  }
  return std::nullopt;
}

Decision refuseLocally(const Principal& caller, const AccessRequest& request) {
  std::string name = caller.local ? nameOf(*caller.local) : caller.uid;
  if (isExec(request.operation)) {
    if (request.task_id != kHostTarget) {
      return Decision::deny("local user " + name + " may run sessions only on the target '" +
                            std::string(kHostTarget) + "' (a grant to " + caller.uid +
                            " in the [auth] policy allows more)");
    }
    return Decision::deny("local user " + name + " may run sessions only as itself, not as " +
                          (request.run_as.empty() ? std::string("the target's user")
                                                  : request.run_as) +
                          " (a grant to " + caller.uid + " in the [auth] policy allows more)");
  }
  return Decision::deny("local user " + name + " may watch only its own sessions (a grant to " +
                        caller.uid + " in the [auth] policy allows more)");
}

}  // namespace airlock::auth
