// The bench's side of one shell: counts output and watches for a marker.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "transport.h"

namespace airlock::bench {

// Receives a session's output from any `Transport`, counts bytes, stamps the
// first byte and finds one marker string (the prompt, an end-of-output
// marker) across chunk boundaries without keeping the stream. Owns the
// carrier's handle. Loop thread only.
class ShellSession : public SessionEvents {
 public:
  ~ShellSession() override;

  // Looks for `marker` in output from now on.
  void watch(std::string marker);
  bool seen() const { return seen_ns_ >= 0; }
  int64_t seenNs() const { return seen_ns_; }
  int64_t firstOutputNs() const { return first_output_ns_; }
  uint64_t bytes() const { return bytes_; }
  bool ended() const { return ended_; }
  const std::string& endReason() const { return end_reason_; }

  void send(std::string_view keys) {
    if (handle != nullptr) handle->send(keys);
  }
  void close() {
    if (handle != nullptr) handle->close();
  }

  // SessionEvents
  void onOutput(std::span<const uint8_t> data) override;
  void onEnded(const std::string& why) override;

  std::unique_ptr<SessionHandle> handle;

 private:
  std::string marker_;
  std::string tail_;  // Last marker.size() - 1 bytes, for markers split across chunks.
  int64_t seen_ns_ = -1;
  int64_t first_output_ns_ = -1;
  uint64_t bytes_ = 0;
  bool ended_ = false;
  std::string end_reason_;
};

}  // namespace airlock::bench
