#include "auth/token_extractor.h"

#include <algorithm>
#include <string_view>

namespace airlock::auth {
namespace {

constexpr std::string_view kTokenPrefix = "token=";
constexpr std::string_view kBearerScheme = "bearer ";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool startsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
}

// A compact JWS: three base64url segments. Checked here only for shape, so a
// malformed value is refused before any decoding.
Result<std::string> checkTokenShape(std::string_view token) {
  if (token.empty()) return Error{"the token is empty"};
  if (token.size() > kMaxTokenBytes) return Error{"the token is longer than 16 KiB"};
  bool ok = std::all_of(token.begin(), token.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
  if (!ok || std::count(token.begin(), token.end(), '.') != 2) {
    return Error{"the token is not a compact JWT (three base64url parts)"};
  }
  return std::string(token);
}

std::optional<std::string_view> cookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t end = header.find(';');
    std::string_view pair = trim(header.substr(0, end));
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name) {
      std::string_view value = trim(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return value;
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> tokenFromAuthorization(const std::string& value) {
  std::string_view v = trim(value);
  if (v.substr(0, kTokenPrefix.size()) == kTokenPrefix) {
    return checkTokenShape(trim(v.substr(kTokenPrefix.size())));
  }
  if (startsWithNoCase(v, kBearerScheme)) return checkTokenShape(trim(v.substr(kBearerScheme.size())));
  return Error{"the Authorization header is neither 'token=<jwt>' nor 'Bearer <jwt>'"};
}

Result<std::string> extractToken(const UpgradeHeaders& headers,
                                 const std::vector<std::string>& allowed_origins) {
  if (headers.authorization) return tokenFromAuthorization(*headers.authorization);
  if (!headers.cookie) return Error{"no Authorization header and no dcos-acs-auth-cookie"};
  auto token = cookieValue(*headers.cookie, kAuthCookieName);
  if (!token) return Error{"no Authorization header and no dcos-acs-auth-cookie"};
  if (!headers.origin) return Error{"the auth cookie is accepted only with an Origin header"};
  if (std::find(allowed_origins.begin(), allowed_origins.end(), *headers.origin) ==
      allowed_origins.end()) {
    return Error{"the auth cookie came with an Origin that is not in auth.allowed_origins"};
  }
  return checkTokenShape(*token);
}

}  // namespace airlock::auth
