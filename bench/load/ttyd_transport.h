// `Transport` speaking ttyd's WebSocket protocol (subprotocol `tty`), so a
// ttyd built beside the project is measured by the same scenarios.
#pragma once

#include <uv.h>

#include <string>

#include "transport.h"

struct lws_context;

namespace airlock::bench {

// One WebSocket per session (ttyd spawns its command per connection, when the
// first JSON message arrives). Its own lws client context on the bench's uv
// loop. Owned by `main`; loop thread only; destroy after every handle, outside
// `uv_run`.
class TtydTransport : public Transport {
 public:
  // `host`/`port`/`path` of ttyd's WebSocket (e.g. 127.0.0.1, 7681, /ws).
  static std::unique_ptr<TtydTransport> create(uv_loop_t* loop, std::string host, int port,
                                               std::string path, ShellSpec spec);
  ~TtydTransport() override;

  std::string name() const override { return "ttyd"; }
  std::unique_ptr<SessionHandle> open(SessionEvents& events, bool fresh) override;
  size_t connections() const override { return live_; }

  size_t live_ = 0;  // Open WebSockets; maintained by the sessions.

 private:
  TtydTransport() = default;

  uv_loop_t* loop_ = nullptr;
  lws_context* lws_ = nullptr;
  std::string host_;
  int port_ = 0;
  std::string path_;
  ShellSpec spec_;
};

}  // namespace airlock::bench
