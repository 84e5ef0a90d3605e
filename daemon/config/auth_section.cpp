#include <set>
#include <string_view>

#include "config/auth_config.h"
#include "config/section_reader.h"

namespace airlock::config {
namespace {

Result<void> readLabelRules(const toml::table& t, LabelRulesSection& l) {
  SectionReader r(t, "auth.label_rules");
  if (auto e = r.rejectUnknown({"enabled", "super_admin_users", "super_admin_groups",
                                "task_admin_label", "allowed_task_admins", "root_rule",
                                "delegation_secret_file", "delegation_max_lifetime_s"});
      !e) {
    return e;
  }
  if (auto e = firstError({r.boolean("enabled", l.enabled),
                           r.strings("super_admin_users", l.super_admin_users),
                           r.strings("super_admin_groups", l.super_admin_groups),
                           r.string("task_admin_label", l.task_admin_label),
                           r.strings("allowed_task_admins", l.allowed_task_admins),
                           r.boolean("root_rule", l.root_rule),
                           r.string("delegation_secret_file", l.delegation_secret_file),
                           r.number("delegation_max_lifetime_s", l.delegation_max_lifetime_s, 1,
                                    7 * 24 * 3600)});
      !e) {
    return e;
  }
  if (l.task_admin_label.empty()) return keyError("auth.label_rules.task_admin_label", "must not be empty");
  return {};
}

}  // namespace

Result<void> readAuthSection(const toml::table& t, AuthConfig& a) {
  SectionReader r(t, "auth");
  if (auto e = r.rejectUnknown({"mode", "public_key_file", "jwks_file", "jwks_url",
                                "jwks_min_refresh_s", "ca_file", "http_timeout_ms", "exp_leeway_s",
                                "allow_missing_exp", "policy_file", "iam_url", "iam_token_file",
                                "iam_cache_s", "allowed_origins", "audit_log", "audit_to_log",
                                "label_rules"});
      !e) {
    return e;
  }
  if (auto e = firstError({r.string("mode", a.mode), r.string("public_key_file", a.public_key_file),
                           r.string("jwks_file", a.jwks_file), r.string("jwks_url", a.jwks_url),
                           r.number("jwks_min_refresh_s", a.jwks_min_refresh_s, 1, 86400),
                           r.string("ca_file", a.ca_file),
                           r.number("http_timeout_ms", a.http_timeout_ms, 100, 60000),
                           r.number("exp_leeway_s", a.exp_leeway_s, 0, 60),
                           r.boolean("allow_missing_exp", a.allow_missing_exp),
                           r.string("policy_file", a.policy_file), r.string("iam_url", a.iam_url),
                           r.string("iam_token_file", a.iam_token_file),
                           r.number("iam_cache_s", a.iam_cache_s, 0, 5),
                           r.strings("allowed_origins", a.allowed_origins),
                           r.string("audit_log", a.audit_log),
                           r.boolean("audit_to_log", a.audit_to_log)});
      !e) {
    return e;
  }
  if (a.mode != "strict" && a.mode != "permissive") {
    return keyError("auth.mode", "must be \"strict\" or \"permissive\"");
  }
  int key_sources = !a.public_key_file.empty() + !a.jwks_file.empty() + !a.jwks_url.empty();
  if (key_sources > 1) {
    return keyError("auth.public_key_file", "only one of public_key_file, jwks_file, jwks_url may be set");
  }
  if (!a.policy_file.empty() && !a.iam_url.empty()) {
    return keyError("auth.iam_url", "cannot be combined with auth.policy_file");
  }
  if (!a.jwks_url.empty() && a.jwks_url.rfind("http://", 0) != 0 && a.jwks_url.rfind("https://", 0) != 0) {
    return keyError("auth.jwks_url", "must be an http:// or https:// URL");
  }
  if (!a.iam_url.empty() && a.iam_url.rfind("http://", 0) != 0 && a.iam_url.rfind("https://", 0) != 0) {
    return keyError("auth.iam_url", "must be an http:// or https:// URL");
  }
  if (const toml::node* node = t.get("label_rules")) {
    if (!node->is_table()) return keyError("auth.label_rules", "must be a table");
    if (auto e = readLabelRules(*node->as_table(), a.label_rules); !e) return e;
  }
  return {};
}

}  // namespace airlock::config
