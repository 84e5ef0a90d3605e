// Connection-level events of a `Connection`.
#pragma once

#include <cstdint>
#include <span>

#include "airlock/result.h"

namespace airlock::client {

// Implemented by whoever owns a `Connection`. Called on the loop thread.
// `onDisconnected` is called exactly once per connection, after every open
// channel got its terminal `onError`. The `Connection` must not be destroyed
// from inside these calls (defer it, e.g. `uv_stop` and destroy after
// `uv_run` returns).
class ConnectionObserver {
 public:
  virtual ~ConnectionObserver() = default;

  // The WebSocket handshake completed (subprotocol airlock.v1).
  virtual void onConnected() {}
  // A PONG answered one of our PINGs.
  virtual void onPong(std::span<const uint8_t> payload) { (void)payload; }
  // The connection ended: ok() after a `close()` we asked for; otherwise why
  // (connect failure, the daemon's ERROR on channel 0, the peer closing, a
  // protocol violation). `code` is a `v1::ErrorCode` when the daemon sent one.
  virtual void onDisconnected(const Result<void>& reason) = 0;
};

}  // namespace airlock::client
