// Fuzz target of the airlock.v1 frame decoder: one input is one WebSocket
// message as the daemon or the client would receive it.
#include <cstddef>
#include <cstdint>
#include <span>

#include "frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Small limits as well as the defaults, so the argv/env/size checks trip.
  static const airlock::proto::FrameLimits kDefault;
  static const airlock::proto::FrameLimits kSmall{.max_frame_bytes = 4096,
                                                  .max_argv = 4,
                                                  .max_argv_bytes = 64,
                                                  .max_env = 2,
                                                  .max_rows = 100,
                                                  .max_cols = 100};
  std::span<const uint8_t> bytes(data, size);
  (void)airlock::proto::decodeAndValidate(bytes, kDefault);
  (void)airlock::proto::decodeAndValidate(bytes, kSmall);
  return 0;
}
