#include "auth/delegation_issuer.h"
#include "airlock/peer_text.h"

#include <algorithm>

#include "auth/token_verifier.h"

namespace airlock::auth {

Result<IssuedDelegation> issueDelegation(const Authorizer& authorizer, const Subject& issuer,
                                         const DelegationOrder& order) {
  const AuthorizerConfig& config = authorizer.config();
  if (config.delegation_secret.empty()) {
    return Error{"delegation tokens are not enabled (auth.label_rules.delegation_secret_file is not set)"};
  }
  if (!authorizer.isSuperAdmin(issuer)) {
    return Error{"only super admins may issue delegations (dcos:superuser, or "
                 "auth.label_rules.super_admin_users / super_admin_groups); " +
                 issuer.uid + " is not one"};
  }
  if (!isValidUid(order.delegate)) {
    return Error{"the delegate " + quotePeerText(order.delegate) +
                 " is not a valid uid ([A-Za-z0-9_@.-], 1 to 96 characters)"};
  }
  if (order.task_id.empty()) return Error{"a delegation needs a task"};
  int64_t max = config.delegation_max_lifetime_s;
  int64_t lifetime = order.lifetime_s != 0 ? order.lifetime_s
                                           : std::min(kDefaultDelegationLifetimeSeconds, max);
  if (lifetime < 0 || lifetime > max) {
    return Error{"a delegation may last at most " + std::to_string(max) +
                 " s (auth.label_rules.delegation_max_lifetime_s); " + std::to_string(lifetime) +
                 " s were asked for"};
  }
  Delegation claims{order.task_id, order.delegate, issuer.uid, order.now, order.now + lifetime};
  return IssuedDelegation{mintDelegation(config.delegation_secret, claims), claims};
}

}  // namespace airlock::auth
