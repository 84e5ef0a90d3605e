// Principal: who a verified token says the caller is. Created by the
// TokenVerifier (or, with --insecure-no-auth, as the unauthenticated
// "anonymous"), then carried by the connection. A plain value; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace airlock::auth {

struct Principal {
  std::string uid;
  std::optional<int64_t> expires_at;  // The token's exp, unix seconds.
  bool authenticated = false;         // False only with --insecure-no-auth.

  static Principal anonymous() { return Principal{"anonymous", std::nullopt, false}; }
};

}  // namespace airlock::auth
