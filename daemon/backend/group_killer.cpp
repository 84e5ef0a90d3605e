#include "backend/group_killer.h"

#include <algorithm>
#include <cerrno>
#include <csignal>

#include <spdlog/spdlog.h>

namespace airlock::backend {

GroupKiller::GroupKiller(uv_loop_t* loop, uint32_t grace_ms)
    : loop_(loop), grace_ms_(grace_ms), timer_(loop, [this] { onTimer(); }) {}

void GroupKiller::hangUp(pid_t pgid) {
  if (pgid <= 1) return;
  if (kill(-pgid, SIGHUP) != 0 && errno == ESRCH) return;  // Nobody left.
  kill(-pgid, SIGCONT);  // A stopped job must run to see the hang-up.
  pending_.push_back({pgid, uv_now(loop_) + grace_ms_});
  arm();
}

void GroupKiller::killAllNow() {
  for (const auto& p : pending_) kill(-p.pgid, SIGKILL);
  pending_.clear();
  timer_.stop();
}

void GroupKiller::onTimer() {
  uint64_t now = uv_now(loop_);
  std::erase_if(pending_, [now](const Pending& p) {
    if (p.deadline_ms > now) return false;
    if (kill(-p.pgid, SIGKILL) == 0) {
      spdlog::info("process group {} outlived its session; killed", p.pgid);
    }
    return true;
  });
  arm();
}

void GroupKiller::arm() {
  if (pending_.empty()) {
    timer_.stop();
    return;
  }
  auto next = std::min_element(pending_.begin(), pending_.end(), [](auto& a, auto& b) {
    return a.deadline_ms < b.deadline_ms;
  });
  uint64_t now = uv_now(loop_);
  timer_.start(next->deadline_ms > now ? next->deadline_ms - now : 0);
}

}  // namespace airlock::backend
