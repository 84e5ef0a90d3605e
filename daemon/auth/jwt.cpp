#include "auth/jwt.h"

#include <cmath>

#include "auth/base64url.h"
#include "auth/token_extractor.h"

namespace airlock::auth {
namespace {

// Nesting deeper than this in a token's JSON is refused before parsing.
constexpr int kMaxJsonDepth = 16;

bool nestingWithin(const std::string& json, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

Result<nlohmann::json> decodeObject(std::string_view segment, const char* what) {
  auto bytes = decodeBase64Url(segment);
  if (!bytes) return Error{std::string("the token ") + what + " is not base64url"};
  if (!nestingWithin(*bytes, kMaxJsonDepth)) {
    return Error{std::string("the token ") + what + " is nested too deeply"};
  }
  auto json = nlohmann::json::parse(*bytes, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Error{std::string("the token ") + what + " is not a JSON object"};
  }
  return json;
}

}  // namespace

Result<Jwt> parseJwt(const std::string& token) {
  if (token.size() > kMaxTokenBytes) return Error{"the token is longer than 16 KiB"};
  size_t first = token.find('.');
  size_t second = first == std::string::npos ? first : token.find('.', first + 1);
  if (second == std::string::npos || token.find('.', second + 1) != std::string::npos) {
    return Error{"the token does not have exactly three parts"};
  }
  std::string_view all(token);
  auto header = decodeObject(all.substr(0, first), "header");
  if (!header) return header.error();
  auto payload = decodeObject(all.substr(first + 1, second - first - 1), "payload");
  if (!payload) return payload.error();
  auto signature = decodeBase64Url(all.substr(second + 1));
  if (!signature) return Error{"the token signature is not base64url"};
  return Jwt{std::move(*header), std::move(*payload), token.substr(0, second),
             std::move(*signature)};
}

Result<std::optional<int64_t>> numericDateClaim(const nlohmann::json& payload, const char* name) {
  auto it = payload.find(name);
  if (it == payload.end()) return std::optional<int64_t>();
  if (it->is_number_integer()) {
    if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      return Error{std::string("the token claim '") + name + "' is out of range"};
    }
    return std::optional<int64_t>(it->get<int64_t>());
  }
  return Error{std::string("the token claim '") + name + "' is not an integer"};
}

}  // namespace airlock::auth
