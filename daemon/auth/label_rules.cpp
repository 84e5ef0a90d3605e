#include "auth/label_rules.h"

#include <algorithm>
#include <string_view>

namespace airlock::auth {
namespace {

constexpr size_t kMaxEntryBytes = 96;

bool contains(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

std::vector<std::string> splitLabelList(const std::string& value) {
  std::vector<std::string> entries;
  std::string_view rest(value);
  while (entries.size() < kMaxLabelEntries) {
    size_t comma = rest.find(',');
    std::string_view entry = rest.substr(0, comma);
    while (!entry.empty() && std::isspace(static_cast<unsigned char>(entry.front()))) entry.remove_prefix(1);
    while (!entry.empty() && std::isspace(static_cast<unsigned char>(entry.back()))) entry.remove_suffix(1);
    if (!entry.empty() && entry.size() <= kMaxEntryBytes) entries.emplace_back(entry);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return entries;
}

std::optional<std::string> superAdminRule(const LabelRulesConfig& config, const Subject& subject) {
  if (!config.enabled) return std::nullopt;
  if (contains(config.super_admin_users, subject.uid)) return "user " + subject.uid;
  for (const std::string& group : subject.groups) {
    if (contains(config.super_admin_groups, group)) return "group " + group;
  }
  return std::nullopt;
}

std::optional<std::string> taskAdminEntry(const LabelRulesConfig& config, const Subject& subject,
                                          const AccessRequest& request) {
  if (!config.enabled) return std::nullopt;
  auto label = request.labels.find(config.task_admin_label);
  if (label == request.labels.end()) return std::nullopt;
  for (const std::string& entry : splitLabelList(label->second)) {
    if (!config.allowed_task_admins.empty() && !contains(config.allowed_task_admins, entry)) continue;
    if (entry == subject.uid) return "user " + entry;
    if (contains(subject.groups, entry)) return "group " + entry;
  }
  return std::nullopt;
}

}  // namespace airlock::auth
