// The libwebsockets context that client `Connection`s live in.
#pragma once

#include <memory>

#include <uv.h>

#include "airlock/result.h"

struct lws_context;

namespace airlock::client {

// One lws client context running as a guest on the caller's libuv loop
// (`LWS_SERVER_OPTION_LIBUV` with a foreign loop). Many `Connection`s share
// one context. Owned by the caller (the CLI's `main`, a test, a bench); loop
// thread only. Destroy every `Connection` first, and destroy the context
// outside `uv_run`: the destructor runs the loop (`UV_RUN_NOWAIT`) until lws
// has closed its handles, then frees the lws context. Run the loop once more
// afterwards for the closes of your own handles, then `uv_loop_close`.
class ClientContext {
 public:
  static Result<std::unique_ptr<ClientContext>> create(uv_loop_t* loop);
  ~ClientContext();
  ClientContext(const ClientContext&) = delete;
  ClientContext& operator=(const ClientContext&) = delete;

  lws_context* lws() const { return lws_; }
  uv_loop_t* loop() const { return loop_; }

 private:
  ClientContext(uv_loop_t* loop, lws_context* lws) : loop_(loop), lws_(lws) {}

  uv_loop_t* loop_;
  lws_context* lws_;
};

// Routes lws log lines to stderr: errors and warnings only unless `verbose`.
void configureLwsLogging(bool verbose);

}  // namespace airlock::client
