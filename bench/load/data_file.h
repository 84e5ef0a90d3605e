// The fixed input streamed by throughput and busy sessions.
#pragma once

#include <cstdint>
#include <string>

#include "airlock/result.h"

namespace airlock::bench {

// Makes sure `path` holds `bytes` of base64 text in 76-character lines made
// from a fixed pseudo-random sequence (the same file on every machine, like
// peers.md's b64.txt but generated, not downloaded). Reuses a file of the
// right size.
Result<void> ensureDataFile(const std::string& path, uint64_t bytes);

}  // namespace airlock::bench
