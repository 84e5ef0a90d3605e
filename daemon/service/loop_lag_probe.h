// LoopLagProbe: a repeating timer on the daemon's loop that measures how late
// it fires (a busy or blocked loop delays every session's I/O) and feeds
// airlock_loop_lag_seconds. Owned by the Daemon; loop thread only.
#pragma once

#include <uv.h>

#include <cstdint>

#include "loop/timer.h"
#include "service/metrics_registry.h"

namespace airlock::metrics {

class LoopLagProbe {
 public:
  LoopLagProbe(uv_loop_t* loop, Histogram& lag, uint64_t interval_ms = 500);
  void stop() { timer_.stop(); }

 private:
  void onTick();

  Histogram& lag_;
  uint64_t interval_ns_;
  uint64_t due_ns_;
  loop::Timer timer_;
};

}  // namespace airlock::metrics
