#include "backend/child_reaper.h"

#include <sys/prctl.h>
#include <sys/wait.h>

#include <cstdlib>

#include <spdlog/spdlog.h>

namespace airlock::backend {

ChildReaper::ChildReaper(uv_loop_t* loop) {
  auto signal = UvHandle<uv_signal_t>::create(
      [&](uv_signal_t* h) { return uv_signal_init(loop, h); }, this);
  if (!signal) std::abort();  // Cannot fail on a live loop.
  signal_ = std::move(*signal);
  uv_signal_start(signal_.get(), onUvSignal, SIGCHLD);
  // Processes a session leaves behind are re-parented to us, not to init, so
  // they are reaped here and never linger as zombies.
  prctl(PR_SET_CHILD_SUBREAPER, 1);
}

ChildReaper::~ChildReaper() = default;

void ChildReaper::watch(pid_t pid, ExitFn on_exit) { watched_[pid] = std::move(on_exit); }

void ChildReaper::forget(pid_t pid) { watched_.erase(pid); }

void ChildReaper::reap() {
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    auto it = watched_.find(pid);
    if (it == watched_.end()) {
      spdlog::debug("reaped unwatched process {}", pid);
      continue;
    }
    ExitFn on_exit = std::move(it->second);
    watched_.erase(it);
    on_exit(status);
  }
}

void ChildReaper::onUvSignal(uv_signal_t* handle, int /*signum*/) {
  if (auto* self = ownerOf<ChildReaper>(handle)) self->reap();
}

}  // namespace airlock::backend
