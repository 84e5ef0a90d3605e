// Permission semantics of DC/OS IAM, as airlockd evaluates them locally.
//
// A Grant is one ACE: a resource id (rid) and the actions allowed on it,
// given to a user directly or through a group. A Requirement is what an
// operation needs: one of several (rid, action) alternatives. Matching is
// case-sensitive and literal (`*` is a value, never a glob); `full` covers
// every action; an rid without its optional suffix covers every value
// (`...:container` and `...:container:app_id` cover all app ids); app ids
// match on path-segment boundaries (`/g` covers `/g` and `/g/a`, never `/g2`);
// any action on `dcos:superuser` covers everything. Pure; any thread.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace airlock::auth {

inline constexpr char kSuperuserRid[] = "dcos:superuser";
inline constexpr char kSuperusersGroup[] = "superusers";

struct Grant {
  std::string rid;
  std::set<std::string> actions;  // create, read, update, delete, full.
  std::string via;                // "user alice" or "group dev", for explanations.
};

// One needed permission: `resource` is the rid without its variable suffix
// (e.g. "dcos:mesos:agent:container"), `kind` is "app_id", "role" or "user"
// (empty for fixed rids), `value` the value (empty = unknown: only a grant
// covering all values will do).
struct Need {
  std::string resource;
  std::string kind;
  std::string value;
  std::string action;

  std::string rid() const;  // As an operator would write the grant.
};

struct Requirement {
  std::vector<Need> any_of;  // Satisfied by any one of these.
};

// Is `action` allowed by a grant listing `actions`?
bool actionCovers(const std::set<std::string>& actions, const std::string& action);
// Does a grant on `grant_rid` cover the resource of `need` (actions aside)?
bool ridCovers(const std::string& grant_rid, const Need& need);
// The first grant covering `need`, or nullptr.
const Grant* findCovering(const std::vector<Grant>& grants, const Need& need);

// An app id as Marathon writes it: starts with '/', no empty, "." or ".."
// segment, no trailing '/' except for the root "/" itself.
bool isCanonicalAppId(const std::string& app_id);

// Rids as the DC/OS docs print them double-encode '/' as %252F; we store '/'.
std::string normalizeRid(std::string rid);

}  // namespace airlock::auth
