// Jwt: a compact JWS split and decoded, before any signature check: the
// header and payload as JSON objects, the signing input and the raw
// signature. Used by the TokenVerifier (RS256) and by delegation tokens
// (HS256 with our own secret). Pure; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "airlock/result.h"

namespace airlock::auth {

struct Jwt {
  nlohmann::json header;
  nlohmann::json payload;
  std::string signing_input;  // base64url(header) "." base64url(payload)
  std::string signature;      // Raw bytes.
};

// Splits and decodes; both JSON parts must be objects. Bounded by
// kMaxTokenBytes. Errors name the part, never the token.
Result<Jwt> parseJwt(const std::string& token);

// An integer-valued NumericDate claim: nullopt if absent; an error if present
// but not an integer in range.
Result<std::optional<int64_t>> numericDateClaim(const nlohmann::json& payload, const char* name);

}  // namespace airlock::auth
