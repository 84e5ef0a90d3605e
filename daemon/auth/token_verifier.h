// TokenVerifier: checks a DC/OS authentication token (an RS256 JWT whose
// payload is {"uid", "exp"}) and yields the Principal. Only RS256 is
// accepted, whatever the key: `none`, HS*, RS384/512 and PS* are refused, and
// so is any header that points at a key (`jku`, `x5u`, `jwk`, `x5c`) or that
// we would have to understand (`crit`). `exp` is enforced with a leeway of at
// most 60 s, a token without it is accepted only if configured, `nbf` is
// honoured, and `uid` must be in the DC/OS alphabet. Stateless and
// thread-safe; errors never contain the token.
#pragma once

#include <cstdint>
#include <string>

#include "airlock/result.h"
#include "auth/key_set.h"
#include "auth/principal.h"

namespace airlock::auth {

inline constexpr int64_t kMaxLeewaySeconds = 60;

struct TokenPolicy {
  int64_t leeway_seconds = 0;  // 0..kMaxLeewaySeconds.
  bool allow_missing_exp = false;
};

// Error codes of `verify`; `kUnknownKid` tells the caller a key refresh may help.
enum class TokenError : int { kInvalid = 1, kUnknownKid = 2, kExpired = 3 };

// True for [A-Za-z0-9_@.-]{1,96}, the IAM's uid (and gid) alphabet.
bool isValidUid(const std::string& uid);

class TokenVerifier {
 public:
  explicit TokenVerifier(TokenPolicy policy) : policy_(policy) {}

  Result<Principal> verify(const std::string& token, const KeySet& keys, int64_t now) const;

 private:
  TokenPolicy policy_;
};

}  // namespace airlock::auth
