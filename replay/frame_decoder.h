// FrameDecoder: turns one frame record body into events (prefix checks,
// zstd decompression with a bounded window, event decoding). Holds one zstd
// decompression context; owned by a reader or verifier on one thread.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "airlock/recording_event.h"
#include "airlock/result.h"

namespace airlock::replay {

struct FramePrefix {
  uint64_t seq = 0;
  uint64_t firstTimeUs = 0;
  uint64_t lastTimeUs = 0;
  uint32_t eventCount = 0;
  uint32_t rawBytes = 0;
};

// Parses the fixed 32-byte frame prefix; error when too short or inconsistent.
Result<FramePrefix> parseFramePrefix(std::string_view body);

class FrameDecoder {
 public:
  FrameDecoder();
  Result<std::vector<Event>> decode(std::string_view body);

 private:
  std::shared_ptr<void> dctx_;  // ZSTD_DCtx.
};

}  // namespace airlock::replay
