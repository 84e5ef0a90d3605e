#include "iam_directory.h"

#include <nlohmann/json.hpp>

namespace airlock::iam {
namespace {

using nlohmann::json;

constexpr char kApi[] = "/acs/api/v1";

Result<std::vector<IamGrant>> grantsFrom(const json& node, const std::string& where) {
  std::vector<IamGrant> grants;
  if (node.is_null()) return grants;
  if (!node.is_array()) return Error{where + ".grants is not a list"};
  for (const json& g : node) {
    if (!g.is_object() || !g.contains("rid") || !g["rid"].is_string() || !g.contains("actions") ||
        !g["actions"].is_array()) {
      return Error{where + ": a grant needs \"rid\" and \"actions\""};
    }
    IamGrant grant{g["rid"].get<std::string>(), {}};
    for (const json& a : g["actions"]) {
      if (!a.is_string()) return Error{where + ": actions are strings"};
      grant.actions.push_back(a.get<std::string>());
    }
    grants.push_back(std::move(grant));
  }
  return grants;
}

Result<std::vector<std::string>> stringsFrom(const json& node, const std::string& where) {
  std::vector<std::string> out;
  if (node.is_null()) return out;
  if (!node.is_array()) return Error{where + " is not a list"};
  for (const json& s : node) {
    if (!s.is_string()) return Error{where + " holds a non-string"};
    out.push_back(s.get<std::string>());
  }
  return out;
}

json permissionEntry(const IamGrant& grant, const std::string& member_url) {
  std::string aclurl = std::string(kApi) + "/acls/" + ridInUrl(grant.rid);
  json actions = json::array();
  for (const std::string& action : grant.actions) {
    actions.push_back({{"name", action}, {"url", aclurl + member_url + "/" + action}});
  }
  return {{"rid", grant.rid}, {"description", "granted by the IAM emulator"},
          {"aclurl", aclurl}, {"actions", actions}};
}

}  // namespace

std::string ridInUrl(const std::string& rid) {
  std::string out;
  for (char c : rid) {
    if (c == '/') {
      out += "%252F";
    } else {
      out += c;
    }
  }
  return out;
}

Result<IamMode> parseIamMode(const std::string& name) {
  if (name == "ok") return IamMode::kOk;
  if (name == "500") return IamMode::kStatus500;
  if (name == "garbage") return IamMode::kGarbage;
  if (name == "wrong-shape") return IamMode::kWrongShape;
  if (name == "hang") return IamMode::kHang;
  if (name == "close") return IamMode::kClose;
  return Error{"unknown mode \"" + name + "\" (ok, 500, garbage, wrong-shape, hang, close)"};
}

Result<IamDirectory> IamDirectory::parse(std::string_view text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Error{"the state is not a JSON object"};
  IamDirectory dir;
  dir.service_token = doc.value("service_token", "");
  if (doc.contains("jwks")) dir.jwks = doc["jwks"].dump();
  auto mode = parseIamMode(doc.value("mode", "ok"));
  if (!mode) return mode.error();
  dir.mode = *mode;
  // Named: `items()` of a temporary would dangle in the range-for.
  const json users = doc.value("users", json::object());
  const json groups = doc.value("groups", json::object());
  if (!users.is_object() || !groups.is_object()) return Error{"users and groups are objects"};
  for (const auto& [uid, user] : users.items()) {
    if (!user.is_object()) return Error{"users." + uid + " is not an object"};
    auto groups = stringsFrom(user.value("groups", json()), "users." + uid + ".groups");
    if (!groups) return groups.error();
    auto grants = grantsFrom(user.value("grants", json()), "users." + uid);
    if (!grants) return grants.error();
    dir.users[uid] = IamUser{std::move(*groups), std::move(*grants)};
  }
  for (const auto& [gid, group] : groups.items()) {
    if (!group.is_object()) return Error{"groups." + gid + " is not an object"};
    auto grants = grantsFrom(group.value("grants", json()), "groups." + gid);
    if (!grants) return grants.error();
    dir.group_grants[gid] = std::move(*grants);
  }
  return dir;
}

std::string IamDirectory::permissionsJson(const std::string& uid) const {
  const IamUser& user = users.at(uid);
  json direct = json::array();
  for (const IamGrant& grant : user.grants) direct.push_back(permissionEntry(grant, "/users/" + uid));
  json via_groups = json::array();
  for (const std::string& gid : user.groups) {
    auto it = group_grants.find(gid);
    if (it == group_grants.end()) continue;
    for (const IamGrant& grant : it->second) {
      json entry = permissionEntry(grant, "/groups/" + gid);
      entry["gid"] = gid;
      entry["membershipurl"] = std::string(kApi) + "/groups/" + gid + "/users/" + uid;
      via_groups.push_back(std::move(entry));
    }
  }
  return json{{"direct", direct}, {"groups", via_groups}}.dump();
}

std::string IamDirectory::groupsJson(const std::string& uid) const {
  json array = json::array();
  for (const std::string& gid : users.at(uid).groups) {
    array.push_back({{"group",
                      {{"gid", gid},
                       {"url", std::string(kApi) + "/groups/" + gid},
                       {"description", "group " + gid},
                       {"provider_type", "internal"}}},
                     {"membershipurl", std::string(kApi) + "/groups/" + gid + "/users/" + uid}});
  }
  return json{{"array", array}}.dump();
}

}  // namespace airlock::iam
