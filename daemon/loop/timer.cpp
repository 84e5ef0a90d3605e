#include "loop/timer.h"

#include <cstdlib>

namespace airlock::loop {

Timer::Timer(uv_loop_t* loop, std::function<void()> on_fire) : on_fire_(std::move(on_fire)) {
  auto timer = UvHandle<uv_timer_t>::create([&](uv_timer_t* h) { return uv_timer_init(loop, h); },
                                            this);
  if (!timer) std::abort();  // uv_timer_init cannot fail on a live loop.
  timer_ = std::move(*timer);
}

void Timer::start(uint64_t timeout_ms, uint64_t repeat_ms) {
  uv_timer_start(timer_.get(), onUvTimer, timeout_ms, repeat_ms);
}

void Timer::stop() { uv_timer_stop(timer_.get()); }

bool Timer::active() const { return uv_is_active(reinterpret_cast<uv_handle_t*>(timer_.get())); }

void Timer::onUvTimer(uv_timer_t* handle) {
  if (auto* self = ownerOf<Timer>(handle)) self->on_fire_();
}

}  // namespace airlock::loop
