// closingHandles: how many handles of `loop` are closing, i.e. still waiting
// for their close callback. Used to finish lws 4.1's two-phase teardown of a
// foreign-loop context (daemon and client alike). Loop thread, outside uv_run.
#pragma once

#include <uv.h>

namespace airlock {

inline int closingHandles(uv_loop_t* loop) {
  int closing = 0;
  uv_walk(
      loop, [](uv_handle_t* h, void* arg) { *static_cast<int*>(arg) += uv_is_closing(h) ? 1 : 0; },
      &closing);
  return closing;
}

}  // namespace airlock
