// The receiving end of one session channel of a `Connection`.
#pragma once

#include <cstdint>
#include <span>

#include "airlock/result.h"
#include "airlock_v1.pb.h"

namespace airlock::client {

// What a handler did with output bytes. `kConsumed`: done with them, the
// connection re-grants that much output credit to the daemon. `kHeld`: the
// handler keeps (a copy of) them and calls `Connection::acknowledge` once they
// are really consumed, e.g. written to a slow fd; never acknowledging them
// simulates a stalled reader and stalls the channel.
enum class Consume { kConsumed, kHeld };

// Implemented by users of `Connection::openChannel` (the CLI's `ExecSession`,
// tests, benchmarks). Called on the connection's loop thread only. Each
// channel ends with exactly one `onExit` or `onError` (also when the
// connection is lost); no callback follows it, so the handler may be destroyed
// from inside that call. A handler may call the `Connection` from any
// callback, but must not destroy the `Connection` there.
class ChannelHandler {
 public:
  virtual ~ChannelHandler() = default;

  virtual void onOpened(uint32_t channel, const v1::Opened& opened) = 0;
  virtual Consume onStdout(uint32_t channel, std::span<const uint8_t> data) = 0;
  virtual Consume onStderr(uint32_t channel, std::span<const uint8_t> data) = 0;
  // STDIN credit grew; `available` is how many bytes `sendStdin` takes now.
  virtual void onCredit(uint32_t channel, uint64_t available) = 0;
  virtual void onExit(uint32_t channel, const v1::Exit& exit) = 0;
  // The daemon's ERROR (`error.code` is a `v1::ErrorCode`), or the connection
  // was lost (`v1::SESSION_LOST`).
  virtual void onError(uint32_t channel, const Error& error) = 0;
};

}  // namespace airlock::client
