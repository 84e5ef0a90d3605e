// LabelRules: MesosTerm's authorization rules, optional on top of the DC/OS
// modes, with MesosTerm's flaws fixed (authz.md section 4.8):
//  * super admins are listed users or groups (exact, case-sensitive names);
//  * a task label (default MESOS_TERM_DEBUG_GRANTED_TO) names task admins,
//    users or groups; entries are trimmed, empty ones ignored, at most
//    kMaxLabelEntries of at most 96 bytes each are read;
//  * `allowed_task_admins`, when not empty, is the allow-list of names the
//    label may name: other entries count for nothing;
//  * the root rule: only super admins enter a task whose user is root or unset
//    (delegates too: a delegation does not skip it);
//  * task admins and delegates run as the task user only.
// Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/access_request.h"
#include "auth/subject.h"

namespace airlock::auth {

inline constexpr size_t kMaxLabelEntries = 256;
inline constexpr char kDefaultTaskAdminLabel[] = "MESOS_TERM_DEBUG_GRANTED_TO";

struct LabelRulesConfig {
  bool enabled = false;
  std::vector<std::string> super_admin_users;
  std::vector<std::string> super_admin_groups;
  std::string task_admin_label = kDefaultTaskAdminLabel;
  std::vector<std::string> allowed_task_admins;
  bool root_rule = true;
};

// "user alice" / "group admins" when `subject` is a super admin.
std::optional<std::string> superAdminRule(const LabelRulesConfig& config, const Subject& subject);

// The label entry naming the caller (after the allow-list), if any.
std::optional<std::string> taskAdminEntry(const LabelRulesConfig& config, const Subject& subject,
                                          const AccessRequest& request);

// Splits a label value: comma-separated, trimmed, empty entries dropped,
// bounded as described above.
std::vector<std::string> splitLabelList(const std::string& value);

}  // namespace airlock::auth
