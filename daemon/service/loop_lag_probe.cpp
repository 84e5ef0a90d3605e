#include "service/loop_lag_probe.h"

namespace airlock::metrics {

LoopLagProbe::LoopLagProbe(uv_loop_t* loop, Histogram& lag, uint64_t interval_ms)
    : lag_(lag),
      interval_ns_(interval_ms * 1'000'000),
      due_ns_(uv_hrtime() + interval_ns_),
      timer_(loop, [this] { onTick(); }) {
  timer_.start(interval_ms, interval_ms);
}

void LoopLagProbe::onTick() {
  uint64_t now = uv_hrtime();
  // libuv timers may fire up to a millisecond early (ms clock); that is 0 lag.
  lag_.observe(now > due_ns_ ? static_cast<double>(now - due_ns_) / 1e9 : 0.0);
  due_ns_ = now + interval_ns_;
}

}  // namespace airlock::metrics
