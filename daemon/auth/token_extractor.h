// Finds the caller's token in what the WebSocket upgrade carried: the
// `Authorization` header (`token=<jwt>`, the DC/OS form, or `Bearer <jwt>`),
// else the `dcos-acs-auth-cookie` cookie, which browsers send on their own and
// is therefore only believed with an `Origin` from the configured allow-list.
// The header wins over the cookie. Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "airlock/result.h"

namespace airlock::auth {

inline constexpr size_t kMaxTokenBytes = 16 * 1024;
inline constexpr char kAuthCookieName[] = "dcos-acs-auth-cookie";

struct UpgradeHeaders {
  std::optional<std::string> authorization;
  std::optional<std::string> cookie;
  std::optional<std::string> origin;
};

// The token of an `Authorization` header value; errors never echo the value.
Result<std::string> tokenFromAuthorization(const std::string& value);

// The token of the request; an error when there is none or it is malformed.
Result<std::string> extractToken(const UpgradeHeaders& headers,
                                 const std::vector<std::string>& allowed_origins);

}  // namespace airlock::auth
