// GroupKiller: ends a session's whole process group: SIGHUP now, SIGKILL
// once the grace period has passed. It outlives the sessions it kills, so no
// straggler survives its session. Owned by the LocalBackend; loop thread.
#pragma once

#include <sys/types.h>
#include <uv.h>

#include <cstdint>
#include <vector>

#include "loop/timer.h"

namespace airlock::backend {

class GroupKiller {
 public:
  GroupKiller(uv_loop_t* loop, uint32_t grace_ms);

  void hangUp(pid_t pgid);
  // SIGKILL to every group still pending (daemon shutdown).
  void killAllNow();
  size_t pending() const { return pending_.size(); }

 private:
  struct Pending {
    pid_t pgid;
    uint64_t deadline_ms;
  };
  void onTimer();
  void arm();

  uv_loop_t* loop_;
  uint32_t grace_ms_;
  std::vector<Pending> pending_;
  loop::Timer timer_;
};

}  // namespace airlock::backend
