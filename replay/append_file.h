// Short-lived-descriptor file appends for the recording writer: open, write,
// optionally fdatasync, close. A failed append cuts the file back to its
// previous length so the file never ends in a half-written record.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "airlock/result.h"

namespace airlock::replay::file {

// What is left of the file after a failed append.
enum class CutBack { kClean, kFailed };

// Creates `path` (must not exist) with mode 0600 and writes `bytes`.
Result<void> create(const std::string& path, std::string_view bytes, bool sync);

// Appends `bytes` to `path`, whose length must be `expectedSize`. On failure the
// error says whether the file could be cut back to `expectedSize`.
Result<void> append(const std::string& path, uint64_t expectedSize, std::string_view bytes,
                    bool sync, CutBack* cut);

}  // namespace airlock::replay::file
