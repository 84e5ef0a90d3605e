// issueDelegation: the one rule for minting delegation tokens, used by the
// daemon for DELEGATE frames (`airlock delegate`) and by the offline
// `airlockd issue-delegation`. Only a super admin (dcos:superuser, or a label
// rules super admin) may issue; the token binds one task and one delegate;
// its lifetime is at most `delegation_max_lifetime_s` (0 asks for the
// default: the smaller of one hour and that maximum). Refusals say why and
// never contain a token. Pure; any thread.
#pragma once

#include <cstdint>
#include <string>

#include "airlock/result.h"
#include "auth/authorizer.h"
#include "auth/delegation.h"
#include "auth/subject.h"

namespace airlock::auth {

inline constexpr int64_t kDefaultDelegationLifetimeSeconds = 3600;

struct DelegationOrder {
  std::string task_id;
  std::string delegate;
  int64_t lifetime_s = 0;  // 0: the default.
  int64_t now = 0;         // Unix seconds.
};

struct IssuedDelegation {
  std::string token;
  Delegation claims;
};

// `issuer` is the caller's Subject (from the permission source).
Result<IssuedDelegation> issueDelegation(const Authorizer& authorizer, const Subject& issuer,
                                         const DelegationOrder& order);

}  // namespace airlock::auth
