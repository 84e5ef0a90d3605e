// runInThreadPool: runs blocking work (an HTTP fetch) in libuv's thread pool
// and its completion back on the loop thread, so the loop never blocks. The
// closures must own (shared_ptr) whatever they touch: the job may finish after
// the object that queued it is gone.
#pragma once

#include <uv.h>

#include <functional>

namespace airlock::auth {

void runInThreadPool(uv_loop_t* loop, std::function<void()> work, std::function<void()> done);

}  // namespace airlock::auth
