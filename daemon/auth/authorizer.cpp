#include "auth/authorizer.h"

#include <algorithm>

#include "auth/delegation.h"

namespace airlock::auth {
namespace {

constexpr char kDefaultRole[] = "*";

Need need(std::string resource, std::string kind, std::string value, std::string action) {
  return Need{std::move(resource), std::move(kind), std::move(value), std::move(action)};
}

Requirement one(Need n) { return Requirement{{std::move(n)}}; }

// The agent-side rid, by app id or, alternatively, by the task's role.
Requirement agentNeed(const std::string& resource, const AccessRequest& r, const std::string& role,
                      const std::string& action) {
  return Requirement{{need(resource, "app_id", r.app_id, action),
                      need(resource, "role", role, action)}};
}

std::string modeName(Mode mode) { return mode == Mode::kStrict ? "strict" : "permissive"; }

bool runsAsOtherUser(const AccessRequest& r) { return !r.run_as.empty() && r.run_as != r.task_user; }

}  // namespace

std::vector<Requirement> requirementsFor(Mode mode, const AccessRequest& r) {
  const std::string role = r.role.empty() ? kDefaultRole : r.role;
  std::vector<Requirement> out;
  bool watch = r.operation == Operation::kWatch;
  if (!watch) out.push_back(one(need("dcos:adminrouter:ops:mesos", "", "", "full")));
  out.push_back(one(need("dcos:adminrouter:ops:slave", "", "", "full")));
  if (mode == Mode::kStrict) {
    out.push_back(agentNeed("dcos:mesos:agent:container", r, role, "read"));
    if (!watch) {
      out.push_back(agentNeed("dcos:mesos:agent:nested_container_session", r, role, "create"));
      out.push_back(one(need("dcos:mesos:master:executor", "app_id", r.app_id, "read")));
      out.push_back(one(need("dcos:mesos:master:framework", "role", role, "read")));
      out.push_back(one(need("dcos:mesos:master:task", "app_id", r.app_id, "read")));
    }
    if (r.operation == Operation::kExecStdin || r.operation == Operation::kExecTty) {
      out.push_back(agentNeed("dcos:mesos:agent:container", r, role, "update"));
    }
  }
  if (runsAsOtherUser(r)) {
    out.push_back(one(need("dcos:mesos:agent:nested_container_session", "user", r.run_as, "create")));
  }
  return out;
}

std::optional<std::string> superuserRule(const Subject& subject) {
  for (const Grant& grant : subject.grants) {
    if (grant.rid == kSuperuserRid && !grant.actions.empty()) {
      return std::string(kSuperuserRid) + " (" + grant.via + ")";
    }
  }
  if (std::find(subject.groups.begin(), subject.groups.end(), kSuperusersGroup) !=
      subject.groups.end()) {
    return std::string("member of group ") + kSuperusersGroup;
  }
  return std::nullopt;
}

bool Authorizer::isSuperAdmin(const Subject& subject) const {
  return superuserRule(subject) || superAdminRule(config_.label_rules, subject);
}

Decision Authorizer::decide(const Subject& subject, const AccessRequest& request,
                            const std::optional<Subject>& issuer) const {
  if (!request.app_id.empty() && !isCanonicalAppId(request.app_id)) {
    return Decision::deny("the task's app id '" + request.app_id.substr(0, 128) +
                          "' is not canonical (/a/b, no empty, '.' or '..' segments)");
  }
  if (auto rule = superuserRule(subject)) return Decision::allow(*rule);
  const LabelRulesConfig& labels = config_.label_rules;
  if (auto rule = superAdminRule(labels, subject)) {
    return Decision::allow("label rules: super admin (" + *rule + ")");
  }
  if (labels.enabled && labels.root_rule &&
      (request.task_user.empty() || request.task_user == "root")) {
    return Decision::deny(std::string("root rule: the task ") +
                          (request.task_user.empty() ? "has no user" : "runs as root") +
                          "; only super admins may enter it");
  }
  std::string delegation_refusal;
  if (auto allowed = tryDelegation(subject, request, issuer, delegation_refusal)) return *allowed;
  Decision decision = checkPermissions(subject, request);
  if (decision.allowed()) return decision;
  if (auto entry = taskAdminEntry(labels, subject, request)) {
    if (runsAsOtherUser(request)) {
      decision.rule += "; label rules: task admins run as the task user only";
    } else {
      return Decision::allow("label rules: " + labels.task_admin_label + " names " + *entry);
    }
  }
  if (!delegation_refusal.empty()) decision.rule += "; delegation refused: " + delegation_refusal;
  return decision;
}

std::optional<Decision> Authorizer::tryDelegation(const Subject& subject,
                                                  const AccessRequest& request,
                                                  const std::optional<Subject>& issuer,
                                                  std::string& refusal) const {
  if (request.delegation.empty()) return std::nullopt;
  if (config_.delegation_secret.empty()) {
    refusal = "delegation tokens are not enabled";
    return std::nullopt;
  }
  auto d = verifyDelegation(config_.delegation_secret, request.delegation, request.now,
                            config_.delegation_max_lifetime_s);
  if (!d) {
    refusal = d.error().message;
  } else if (request.task_id.empty() || d->task_id != request.task_id) {
    refusal = "it is for another task";
  } else if (d->delegate != subject.uid) {
    refusal = "it is for another user";
  } else if (!issuer || issuer->uid != d->issuer || !isSuperAdmin(*issuer)) {
    refusal = "its issuer " + d->issuer + " is not a super admin (any more)";
  } else if (runsAsOtherUser(request)) {
    refusal = "delegates run as the task user only";
  } else {
    return Decision::allow("delegation from " + d->issuer + " for task " + d->task_id +
                           " until " + std::to_string(d->expires_at));
  }
  return std::nullopt;
}

Decision Authorizer::checkPermissions(const Subject& subject, const AccessRequest& request) const {
  const std::string mode = modeName(config_.mode);
  const auto requirements = requirementsFor(config_.mode, request);
  std::string used;
  for (const Requirement& requirement : requirements) {
    const Grant* covering = nullptr;
    const Need* matched = nullptr;
    for (const Need& n : requirement.any_of) {
      if ((covering = findCovering(subject.grants, n)) != nullptr) {
        matched = &n;
        break;
      }
    }
    if (covering == nullptr) {
      const Need& first = requirement.any_of.front();
      return Decision::deny(mode + " mode: " + std::string(operationName(request.operation)) +
                            " needs " + first.rid() + " " + first.action + ", which " +
                            subject.uid + " does not have");
    }
    if (!used.empty()) used += "; ";
    const std::string& action =
        covering->actions.contains(matched->action) ? matched->action : std::string("full");
    used += covering->rid + " " + action + " (" + covering->via + ")";
  }
  return Decision::allow(mode + " mode: " + used);
}

}  // namespace airlock::auth
