// Channel: one session as seen by one client connection (a SessionConsumer).
// It holds the client's output credit and the input credit it granted, and
// produces this channel's next frame when the connection may write: pending
// input credit first, then output (alternating streams, at most one slice),
// and EXIT once the process ended and every output byte was sent. Owned by
// its ClientConnection; loop thread only.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "airlock/result.h"
#include "session/session.h"
#include "session/session_consumer.h"

namespace airlock::ws {

class ClientConnection;

class Channel final : public session::SessionConsumer {
 public:
  Channel(ClientConnection& connection, uint32_t id, uint64_t output_window,
          uint64_t stdin_window);
  ~Channel() override;

  uint32_t id() const { return id_; }
  session::Session* session() const { return session_; }
  void attach(session::Session& session) { session_ = &session; }
  // Leaves the session (stopping it if nobody else is attached).
  void detach();

  Result<void> onStdin(std::span<const uint8_t> bytes);
  // A daemon notice for the person at a TTY session ("airlockd is stopping"),
  // sent as terminal output before the session's next bytes, within the
  // output credit. Not for sessions without a TTY: their stdout is data.
  void notice(const std::string& text);
  void onCredit(uint64_t bytes);

  bool wantsWrite() const;
  struct Produced {
    size_t frame_bytes = 0;  // Written at `out`; 0 = nothing to send.
    bool finished = false;   // That was EXIT: the channel is done.
  };
  // Writes at most one frame of at most `max_payload` payload bytes at `out`.
  Produced produceFrame(uint8_t* out, size_t max_payload);

  bool queued = false;  // In the connection's ready queue.

  // session::SessionConsumer
  void onOutputAvailable() override;
  void onSessionEnded(int wait_status) override;
  void onInputDelivered(size_t bytes) override;
  void onSessionLost(const std::string& reason) override;

 private:
  // Output bytes and echo latency for /metrics.
  void countOutput(backend::OutputStream stream, size_t bytes);

  ClientConnection& connection_;
  uint32_t id_;
  session::Session* session_ = nullptr;
  uint64_t output_credit_;
  uint64_t stdin_credit_;        // What the client may still send.
  uint64_t stdin_to_return_ = 0; // Delivered input not yet credited back.
  bool ended_ = false;
  int wait_status_ = 0;
  size_t next_stream_ = 0;
  std::string notice_;           // Pending `notice` text.
  uint64_t echo_since_ns_ = 0;   // First STDIN not yet followed by output (uv_hrtime).
};

}  // namespace airlock::ws
