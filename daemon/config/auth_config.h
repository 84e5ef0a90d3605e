// AuthConfig: the [auth] section of the config (and its [auth.label_rules]
// subsection): where keys and permissions come from, the token policy, the
// decision mode and the audit log. Plain values; see README "Authentication
// and authorization" for every key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "airlock/result.h"

namespace airlock::config {

struct LabelRulesSection {
  bool enabled = false;
  std::vector<std::string> super_admin_users;
  std::vector<std::string> super_admin_groups;
  std::string task_admin_label = "MESOS_TERM_DEBUG_GRANTED_TO";
  std::vector<std::string> allowed_task_admins;
  bool root_rule = true;
  std::string delegation_secret_file;  // Empty: delegation tokens are refused.
  uint32_t delegation_max_lifetime_s = 3600;
};

struct AuthConfig {
  std::string mode = "strict";        // "strict" or "permissive".
  std::string public_key_file;        // Exactly one of these three when auth is on.
  std::string jwks_file;
  std::string jwks_url;
  uint32_t jwks_min_refresh_s = 30;   // Unknown-kid refreshes, at most this often.
  std::string ca_file;                // For https JWKS and IAM URLs.
  uint32_t http_timeout_ms = 3000;
  uint32_t exp_leeway_s = 0;          // At most 60.
  bool allow_missing_exp = false;
  std::string policy_file;            // Permissions: a policy file ...
  std::string iam_url;                // ... or the DC/OS IAM (not both).
  std::string iam_token_file;
  uint32_t iam_cache_s = 5;           // At most 5.
  std::vector<std::string> allowed_origins;  // For the auth cookie.
  std::string audit_log;              // JSON lines file; empty = none.
  bool audit_to_log = true;           // Also as info lines in the daemon log.
  LabelRulesSection label_rules;

  // Auth is on when a key source is configured.
  bool enabled() const { return !public_key_file.empty() || !jwks_file.empty() || !jwks_url.empty(); }
};

// Reads [auth] (with [auth.label_rules]) into `out`; unknown keys and bad
// values are errors naming the key.
Result<void> readAuthSection(const toml::table& table, AuthConfig& out);

}  // namespace airlock::config
