// Timer: a one-shot or repeating uv_timer_t calling a std::function.
// Owned by whoever needs the timeout; loop thread only.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>

#include "airlock/uv_handle.h"

namespace airlock::loop {

class Timer {
 public:
  Timer(uv_loop_t* loop, std::function<void()> on_fire);

  void start(uint64_t timeout_ms, uint64_t repeat_ms = 0);
  void stop();
  bool active() const;

 private:
  static void onUvTimer(uv_timer_t* handle);

  UvHandle<uv_timer_t> timer_;
  std::function<void()> on_fire_;
};

}  // namespace airlock::loop
