// The client-side state of one session channel.
#pragma once

#include <cstdint>
#include <optional>

#include "client/channel_handler.h"

namespace airlock::client {

// Book-keeping a `Connection` holds per open channel: who receives its
// events and the credit in both directions. Owned by the `Connection`'s
// channel map; loop thread only.
struct Channel {
  ChannelHandler* handler = nullptr;
  bool opened = false;          // OPENED received.
  bool stdin_closed = false;    // CLOSE_STDIN queued; STDIN no longer accepted.
  bool wants_stdin_space = false;  // `sendStdin` was cut short by a full outbox.
  uint64_t stdin_credit = 0;    // STDIN bytes the daemon still accepts, minus queued ones.
  // Output bytes the daemon may still send; unknown when OPEN asked for the
  // daemon's default window (`Open.window == 0`).
  std::optional<uint64_t> output_credit;
};

}  // namespace airlock::client
