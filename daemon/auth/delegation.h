// Delegation tokens (the MesosTerm idea, with its flaws fixed): a super admin
// lets one user into one task for a bounded time. HS256 JWTs signed with the
// daemon's own secret (`auth.label_rules.delegation_secret_file`), typed
// `airlock-delegation` so they can never pass as login tokens (those are
// RS256 only) nor the reverse. Claims: task_id, sub (the delegate), iss (the
// issuer), iat, exp; exp - iat is at most the configured lifetime. That the
// issuer is still a super admin is checked by the Authorizer at use time.
// Pure; any thread.
#pragma once

#include <cstdint>
#include <string>

#include "airlock/result.h"

namespace airlock::auth {

inline constexpr size_t kMinDelegationSecretBytes = 32;
inline constexpr char kDelegationType[] = "airlock-delegation";

struct Delegation {
  std::string task_id;
  std::string delegate;
  std::string issuer;
  int64_t issued_at = 0;
  int64_t expires_at = 0;
};

std::string mintDelegation(const std::string& secret, const Delegation& delegation);

// Verifies signature, type and times; binding to the task and caller is the
// caller's check (it knows both).
Result<Delegation> verifyDelegation(const std::string& secret, const std::string& token,
                                    int64_t now, int64_t max_lifetime_seconds);

// The unverified issuer, to look its permissions up before verifying.
std::string peekDelegationIssuer(const std::string& token);

}  // namespace airlock::auth
