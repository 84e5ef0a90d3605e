// The event encoding inside a frame's decompressed payload (FORMAT.md
// "Events"): code (1) | time delta in us (varint) | length (varint) | data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/event_batch.h"
#include "airlock/recording_event.h"
#include "airlock/result.h"

namespace airlock::replay::events {

// Appends the encoding of `batch` to `out`; the first delta is relative to
// `batch.firstTimeUs()`.
void encodeBatch(const EventBatch& batch, std::string& out);

// Decodes a payload holding exactly `count` events starting at `firstTimeUs`.
Result<std::vector<Event>> decodePayload(std::string_view payload, uint64_t firstTimeUs,
                                         uint32_t count);

}  // namespace airlock::replay::events
