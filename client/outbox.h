// The bounded queue of frames waiting for the WebSocket to become writable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>

#include "frame.h"

namespace airlock::client {

// Frames queued by a `Connection` until lws says the socket is writable. Each
// entry is stored with `headroom` spare bytes in front (lws needs `LWS_PRE`),
// so it can be handed to `lws_write` without a copy.
//
// Two lanes: `kUrgent` (CREDIT, PING, PONG) is drained first; `kOrdered`
// keeps the order of everything else, so STDIN is never overtaken by the
// CLOSE_STDIN that follows it. The ordered lane is bounded by `max_bytes`
// (data) and both lanes by `max_frames`. Sans-I/O; owned by its `Connection`,
// loop thread only.
class Outbox {
 public:
  enum class Lane { kUrgent, kOrdered };

  Outbox(size_t headroom, size_t max_bytes, size_t max_frames)
      : headroom_(headroom), max_bytes_(max_bytes), max_frames_(max_frames) {}

  // Bytes of payload a data frame may still carry without exceeding the bound.
  size_t dataSpace() const;
  bool full() const { return frames() >= max_frames_; }

  // Queues a frame; returns false (and queues nothing) if the lane is full.
  bool push(Lane lane, proto::FrameType type, uint32_t channel,
            std::span<const uint8_t> payload = {});
  bool push(Lane lane, proto::FrameType type, uint32_t channel,
            const google::protobuf::MessageLite& msg);
  // Queues pre-encoded bytes (header included), e.g. a deliberately bad frame.
  bool pushRaw(std::span<const uint8_t> frame);

  bool empty() const { return urgent_.empty() && ordered_.empty(); }
  size_t frames() const { return urgent_.size() + ordered_.size(); }
  size_t queuedBytes() const { return queued_bytes_; }

  // The next frame: `headroom` bytes, then the frame itself.
  std::string& front();
  void pop();

 private:
  bool pushBuffer(Lane lane, std::string buffer);

  size_t headroom_;
  size_t max_bytes_;
  size_t max_frames_;
  size_t queued_bytes_ = 0;
  std::deque<std::string> urgent_;
  std::deque<std::string> ordered_;
};

}  // namespace airlock::client
