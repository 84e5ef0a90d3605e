// EventBatch: the events of one frame-to-be, in memory.
//
// Owned by one thread at a time. The daemon's loop thread fills it with cheap
// appends (no compression, no I/O; adjacent output within `coalesceUs` is
// merged into one event), then moves it into a `uv_queue_work` request, where
// `RecordingWriter::appendFrame` reads it on a pool thread. Times are
// microseconds since the start of the recording and never go backwards (an
// earlier time is clamped to the last one).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/recording_event.h"

namespace airlock::replay {

// When the daemon should close a frame (issue 3: 1 s or 64 KiB by default).
struct FramePolicy {
  uint32_t maxBytes = 64 * 1024;
  uint64_t maxAgeUs = 1'000'000;
};

inline constexpr uint64_t kDefaultCoalesceUs = 1000;

class EventBatch {
 public:
  struct Entry {
    EventType type;
    uint64_t timeUs;
    uint32_t offset;  // Into the batch's data buffer.
    uint32_t length;
  };

  explicit EventBatch(uint64_t coalesceUs = kDefaultCoalesceUs) : coalesceUs_(coalesceUs) {}

  void addOutput(uint64_t timeUs, std::string_view bytes);
  void addInput(uint64_t timeUs, std::string_view bytes);
  void addRedactedInput(uint64_t timeUs);
  void addResize(uint64_t timeUs, uint32_t cols, uint32_t rows);
  void addMarker(uint64_t timeUs, std::string_view label);
  void addExit(uint64_t timeUs, int status);

  bool empty() const { return entries_.empty(); }
  size_t eventCount() const { return entries_.size(); }
  size_t dataBytes() const { return data_.size(); }
  uint64_t firstTimeUs() const { return entries_.empty() ? 0 : entries_.front().timeUs; }
  uint64_t lastTimeUs() const { return entries_.empty() ? 0 : entries_.back().timeUs; }
  // True when the frame should be closed now: too big, or its first event is too old.
  bool due(uint64_t nowUs, const FramePolicy& policy) const;
  // Empties the batch and releases its buffers (an idle session holds none).
  void clear();

  std::span<const Entry> entries() const { return entries_; }
  std::string_view dataOf(const Entry& e) const {
    return std::string_view(data_).substr(e.offset, e.length);
  }

 private:
  void add(EventType type, uint64_t timeUs, std::string_view bytes, bool coalesce);

  std::vector<Entry> entries_;
  std::string data_;
  uint64_t coalesceUs_;
};

}  // namespace airlock::replay
