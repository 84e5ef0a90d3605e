// The bearer token file given with `--token-file`.
#pragma once

#include <string>

#include "airlock/result.h"

namespace airlock::client {

// Reads a token file (at most 16 KiB, surrounding whitespace trimmed) and
// returns the `Authorization` header value: "Bearer <token>".
Result<std::string> readTokenFile(const std::string& path);

}  // namespace airlock::client
