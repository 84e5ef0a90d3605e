// Reassembly of one WebSocket message from the fragments lws delivers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "airlock/result.h"

namespace airlock::client {

// Collects the fragments of one binary WebSocket message into a buffer of at
// most `max_bytes` (the protocol's max frame size), so a peer cannot make the
// client allocate without bound. Sans-I/O; owned by a `Connection`, used on
// its loop thread.
class MessageAssembler {
 public:
  explicit MessageAssembler(size_t max_bytes) : max_bytes_(max_bytes) {}

  // Adds one fragment. Returns true when `final` completed the message, which
  // is then available from `message()` until the next `append`. A message over
  // the limit, or a continuation without a start, is an error (code
  // `v1::FRAME_TOO_LARGE` or `v1::BAD_FRAME`).
  Result<bool> append(std::span<const uint8_t> fragment, bool first, bool final);

  std::span<const uint8_t> message() const { return buffer_; }

 private:
  size_t max_bytes_;
  std::vector<uint8_t> buffer_;
  bool in_message_ = false;
};

}  // namespace airlock::client
