// `airlockd issue-delegation`: the offline way to mint a delegation token,
// with the daemon's config and the same rule as the online `airlock
// delegate` (AuthService::issueDelegationBlocking -> issueDelegation): the
// issuer proves who they are with their own DC/OS token and must be a super
// admin; the lifetime is at most auth.label_rules.delegation_max_lifetime_s.
// Prints the token on stdout and returns 0; refused: "deny: <reason>" on
// stderr, 1; a bad issuer token: "unauthenticated: <reason>", 2; 64 for a
// usage error, 78 for a bad config. Blocking; main thread.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace airlock::auth {

// `args` are the words after `issue-delegation`.
int runIssueDelegation(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace airlock::auth
