// `Transport` over PTYs the bench opens itself: the floor every carrier is
// compared with (no daemon, no WebSocket).
#pragma once

#include <uv.h>

#include <string>
#include <vector>

#include "transport.h"

namespace airlock::bench {

// Each session is `forkpty` + exec of the shell, its master read with a
// `uv_poll_t` in 64 KiB reads. Reaps its children with one SIGCHLD handler.
// Owned by `main`; loop thread only; destroy after every handle it returned,
// then run the loop once so the handles' closes finish.
class RawTransport : public Transport {
 public:
  RawTransport(uv_loop_t* loop, ShellSpec spec);
  ~RawTransport() override;

  std::string name() const override { return "raw"; }
  std::unique_ptr<SessionHandle> open(SessionEvents& events, bool fresh) override;
  size_t connections() const override { return 0; }

 private:
  static void onUvSignal(uv_signal_t* handle, int signum);

  uv_loop_t* loop_;
  ShellSpec spec_;
  uv_signal_t sigchld_;
};

}  // namespace airlock::bench
