// ChildReaper: one SIGCHLD watcher for every child of the daemon (no pidfd
// or thread per child: 10,000 sessions must fit ~2 fds each). Reaps with
// waitpid(-1) and calls the callback registered for the pid; orphans of
// sessions (the daemon is a child subreaper) are reaped and ignored.
// Owned by the Daemon; loop thread only.
#pragma once

#include <sys/types.h>
#include <uv.h>

#include <functional>
#include <unordered_map>

#include "airlock/uv_handle.h"

namespace airlock::backend {

class ChildReaper {
 public:
  using ExitFn = std::function<void(int wait_status)>;

  explicit ChildReaper(uv_loop_t* loop);
  ~ChildReaper();

  void watch(pid_t pid, ExitFn on_exit);
  void forget(pid_t pid);
  size_t watched() const { return watched_.size(); }
  // Reaps whatever has exited now (also used right after a spawn failure).
  void reap();

 private:
  static void onUvSignal(uv_signal_t* handle, int signum);

  UvHandle<uv_signal_t> signal_;
  std::unordered_map<pid_t, ExitFn> watched_;
};

}  // namespace airlock::backend
