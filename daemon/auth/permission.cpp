#include "auth/permission.h"

#include <string_view>

namespace airlock::auth {
namespace {

bool appIdCovers(std::string_view granted, std::string_view requested) {
  if (granted.size() > 1 && granted.back() == '/') granted.remove_suffix(1);
  if (!isCanonicalAppId(std::string(granted))) return false;
  if (granted == "/") return true;
  if (requested.substr(0, granted.size()) != granted) return false;
  return requested.size() == granted.size() || requested[granted.size()] == '/';
}

// Builds a new string rather than replace() in place: GCC 12 warns falsely
// (-Wrestrict) on std::string::replace.
std::string replaceAll(std::string_view s, std::string_view from, char to) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s.substr(i, from.size()) == from) {
      out.push_back(to);
      i += from.size();
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

}  // namespace

std::string Need::rid() const {
  std::string out = resource;
  if (!kind.empty()) out += ":" + kind;
  if (!value.empty()) out += ":" + value;
  return out;
}

bool actionCovers(const std::set<std::string>& actions, const std::string& action) {
  return actions.contains(action) || actions.contains("full");
}

bool ridCovers(const std::string& grant_rid, const Need& need) {
  if (grant_rid == need.resource) return true;  // No suffix: every value.
  if (need.kind.empty()) return false;
  std::string with_kind = need.resource + ":" + need.kind;
  if (grant_rid == with_kind) return true;
  if (grant_rid.size() <= with_kind.size() + 1 || grant_rid.compare(0, with_kind.size(), with_kind) != 0 ||
      grant_rid[with_kind.size()] != ':') {
    return false;
  }
  if (need.value.empty()) return false;  // Unknown value: only an all-values grant covers it.
  std::string_view granted = std::string_view(grant_rid).substr(with_kind.size() + 1);
  if (need.kind == "app_id") return appIdCovers(granted, need.value);
  return granted == need.value;  // Roles and users: literal, so `role:*` is the role "*".
}

const Grant* findCovering(const std::vector<Grant>& grants, const Need& need) {
  for (const Grant& grant : grants) {
    if (ridCovers(grant.rid, need) && actionCovers(grant.actions, need.action)) return &grant;
  }
  return nullptr;
}

bool isCanonicalAppId(const std::string& app_id) {
  if (app_id.empty() || app_id.front() != '/') return false;
  if (app_id == "/") return true;
  if (app_id.back() == '/') return false;
  size_t start = 1;
  while (start <= app_id.size()) {
    size_t end = app_id.find('/', start);
    if (end == std::string::npos) end = app_id.size();
    std::string_view segment = std::string_view(app_id).substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    start = end + 1;
  }
  return true;
}

std::string normalizeRid(std::string rid) {
  for (std::string_view encoded : {"%252F", "%252f", "%2F", "%2f"}) {
    rid = replaceAll(rid, encoded, '/');
  }
  return rid;
}

}  // namespace airlock::auth
