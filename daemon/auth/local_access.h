// Local access: what a caller on the Unix socket may do by who the kernel
// says it is (SO_PEERCRED), before and without any token:
//   - root (uid 0) may do everything: it owns the host already;
//   - another local user may run sessions as itself on the target "host"
//     (never in a container or task, where its name means nothing), and
//     watch (and list) the sessions it started;
//   - anything else needs a grant to "unix:NAME" in the [auth] policy, so
//     `decideLocally` leaves it undecided (nullopt) for the AuthService, and
//     without [auth] `refuseLocally` says how to get one.
// Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/access_request.h"
#include "auth/decision.h"
#include "auth/principal.h"

namespace airlock::auth {

// The local backend's target that is this host itself.
inline constexpr std::string_view kHostTarget = "host";

// The user a local caller's session runs as when it names none: itself
// (root, and a uid without a passwd name, keep the target's default, which
// `decideLocally` does not allow for the latter). Empty: the default.
std::string localDefaultRunAs(const Principal& caller);

// `session_principal` is the principal that started the watched session
// (watch requests only).
std::optional<Decision> decideLocally(const Principal& caller, const AccessRequest& request,
                                      const std::string& session_principal = "");

// The refusal when `decideLocally` did not allow and there is no policy.
Decision refuseLocally(const Principal& caller, const AccessRequest& request);

}  // namespace airlock::auth
