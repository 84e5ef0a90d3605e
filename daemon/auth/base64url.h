// base64url (RFC 4648 section 5) without padding, as JWTs and JWKs use it.
// Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace airlock::auth {

// Decodes unpadded base64url; nullopt on any character outside the alphabet,
// on padding, or on an impossible length (4n+1).
std::optional<std::string> decodeBase64Url(std::string_view text);

std::string encodeBase64Url(std::string_view bytes);

}  // namespace airlock::auth
