// IamDirectory: what the emulated DC/OS IAM knows (users, their groups, the
// grants of users and groups), how it is told to misbehave (`mode`), and the
// service token it requires, read from the JSON state file a test writes.
// Renders the two answers airlockd asks for, shaped like the IAM's
// (authz.md section 2.5): `/users/<uid>/permissions` and `/users/<uid>/groups`.
// A plain value; any thread.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/result.h"

namespace airlock::iam {

struct IamGrant {
  std::string rid;  // As stored: '/' or its encodings, whatever the test wrote.
  std::vector<std::string> actions;
};

struct IamUser {
  std::vector<std::string> groups;
  std::vector<IamGrant> grants;
};

// How the emulator answers every request (the token check comes first).
enum class IamMode {
  kOk,          // The real answers.
  kStatus500,   // HTTP 500 with an IAM error body.
  kGarbage,     // HTTP 200 with a body that is not JSON.
  kWrongShape,  // HTTP 200 with JSON that is not the IAM's shape.
  kHang,        // Never answers (the client must time out).
  kClose,       // Closes the connection without an answer.
};

struct IamDirectory {
  std::string service_token;  // Required as `Authorization: token=...`; empty: none.
  IamMode mode = IamMode::kOk;
  std::map<std::string, IamUser> users;
  std::map<std::string, std::vector<IamGrant>> group_grants;
  std::string jwks;  // Served as is at /acs/api/v1/auth/jwks (no token needed); empty: 404.

  // {"service_token", "mode", "users": {uid: {"groups", "grants"}},
  //  "groups": {gid: {"grants"}}, "jwks": {...}}; grants are
  // [{"rid", "actions": [...]}].
  static Result<IamDirectory> parse(std::string_view json);

  // The bodies of GET /acs/api/v1/users/<uid>/permissions and .../groups
  // (the uid must be known).
  std::string permissionsJson(const std::string& uid) const;
  std::string groupsJson(const std::string& uid) const;
};

// An rid as it appears in IAM URLs: '/' double-encoded as %252F.
std::string ridInUrl(const std::string& rid);

// Mode names of the state file: ok, 500, garbage, wrong-shape, hang, close.
Result<IamMode> parseIamMode(const std::string& name);

}  // namespace airlock::iam
