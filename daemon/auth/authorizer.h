// Authorizer: the decision engine. Given who the caller is (a Subject from a
// permission source) and an AccessRequest, it decides, deny by default, and
// says why. Order of the rules:
//   1. a non-canonical app id is refused;
//   2. `dcos:superuser` (any action) or membership in `superusers`: allow;
//   3. label rules (if enabled): a super admin: allow; the root rule: deny;
//   4. a valid delegation token for this task and this caller, from an issuer
//      who is still a super admin, running as the task user: allow;
//   5. the DC/OS permission set of the operation in the configured mode
//      (strict or permissive, authz.md section 3), plus
//      `dcos:mesos:agent:nested_container_session:user:<u> create` to run
//      as a user other than the task's: allow;
//   6. label rules: the caller is named in the task-admin label: allow;
//   7. deny, naming the first missing permission.
// Immutable after construction; any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/access_request.h"
#include "auth/decision.h"
#include "auth/label_rules.h"
#include "auth/permission.h"
#include "auth/subject.h"

namespace airlock::auth {

enum class Mode { kStrict, kPermissive };

struct AuthorizerConfig {
  Mode mode = Mode::kStrict;
  LabelRulesConfig label_rules;
  std::string delegation_secret;        // Empty: delegation tokens are refused.
  int64_t delegation_max_lifetime_s = 3600;
};

// The permissions `request` needs in `mode` (each one of alternatives).
std::vector<Requirement> requirementsFor(Mode mode, const AccessRequest& request);

class Authorizer {
 public:
  explicit Authorizer(AuthorizerConfig config) : config_(std::move(config)) {}

  // `issuer` is the Subject of the delegation's issuer when the request
  // carries a delegation (looked up by the caller), else nullopt.
  Decision decide(const Subject& subject, const AccessRequest& request,
                  const std::optional<Subject>& issuer) const;

  const AuthorizerConfig& config() const { return config_; }
  // `dcos:superuser` (or the group superusers), or a label rules super admin:
  // who may issue delegations, and whose delegations count.
  bool isSuperAdmin(const Subject& subject) const;

 private:
  std::optional<Decision> tryDelegation(const Subject& subject, const AccessRequest& request,
                                        const std::optional<Subject>& issuer,
                                        std::string& refusal) const;
  Decision checkPermissions(const Subject& subject, const AccessRequest& request) const;

  AuthorizerConfig config_;
};

// The superuser grant of `subject`, as "dcos:superuser (group x)", if any.
std::optional<std::string> superuserRule(const Subject& subject);

}  // namespace airlock::auth
