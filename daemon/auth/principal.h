// Principal: who the caller is. One of three kinds:
//   - a verified token (TokenVerifier): `uid` is the token's uid;
//   - a local caller on the daemon's Unix socket, identified by the kernel
//     (SO_PEERCRED), with no token: `uid` is "unix:NAME" (or "unix:uid=N"
//     for a uid without a passwd entry), so policy grants to local users
//     never mix with DC/OS uids of the same name;
//   - "anonymous", on a TCP listener with --insecure-no-auth only.
// Carried by the connection. A plain value; any thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace airlock::auth {

struct LocalIdentity {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string user;  // The passwd name; empty if the uid has none.
};

struct Principal {
  std::string uid;
  std::optional<int64_t> expires_at;  // The token's exp, unix seconds.
  bool authenticated = false;         // False only for "anonymous".
  std::optional<LocalIdentity> local; // Set for a local (SO_PEERCRED) caller.

  static Principal anonymous() { return Principal{"anonymous", std::nullopt, false, std::nullopt}; }
  static Principal localCaller(LocalIdentity who) {
    std::string uid = who.user.empty() ? "unix:uid=" + std::to_string(who.uid) : "unix:" + who.user;
    return Principal{std::move(uid), std::nullopt, true, std::move(who)};
  }
  bool isLocal() const { return local.has_value(); }
  bool isLocalRoot() const { return local && local->uid == 0; }
};

}  // namespace airlock::auth
