// Time formatting and parsing for airlock-replay output and filters.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "airlock/result.h"

namespace airlock::replay::cli {

// "2026-11-22T08:23:51Z" for a Unix time in microseconds.
std::string formatUtc(uint64_t unixUs);
// "1:02:03.456" (or "2:03.456") for a duration in microseconds.
std::string formatOffset(uint64_t us);
// "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS][Z]" (UTC) or "@SECONDS" -> Unix microseconds.
Result<uint64_t> parseUtc(std::string_view text);

}  // namespace airlock::replay::cli
