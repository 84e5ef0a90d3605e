#include "client/client_context.h"

#include <cstdio>

#include <libwebsockets.h>

#include "airlock/uv_closing.h"
#include "client/connection.h"
#include "frame.h"

namespace airlock::client {
namespace {

int onLwsCallback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len) {
  (void)user;
  auto* connection = wsi ? static_cast<Connection*>(lws_get_opaque_user_data(wsi)) : nullptr;
  if (connection != nullptr) return connection->onLwsEvent(wsi, reason, in, len);
  // A wsi whose `Connection` is gone (or lws-internal): close it if it wakes.
  switch (reason) {
    case LWS_CALLBACK_CLIENT_WRITEABLE:
    case LWS_CALLBACK_CLIENT_RECEIVE:
      return -1;
    default:
      return lws_callback_http_dummy(wsi, reason, user, in, len);
  }
}

static_assert(sizeof("airlock.v1") - 1 == proto::kSubprotocol.size());

const lws_protocols kProtocols[] = {
    // The name is what we ask for in Sec-WebSocket-Protocol (`proto::kSubprotocol`).
    {"airlock.v1", onLwsCallback, 0, 0, 0, nullptr, 0},
    {nullptr, nullptr, 0, 0, 0, nullptr, 0},
};

// Bound on the loop iterations the teardown waits for lws's handles to close.
constexpr int kMaxTeardownSpins = 10000;


void emitLwsLog(int level, const char* line) {
  std::fprintf(stderr, "airlock: lws%s: %s", level == LLL_ERR ? " error" : "", line);
}

}  // namespace

Result<std::unique_ptr<ClientContext>> ClientContext::create(uv_loop_t* loop) {
  lws_context_creation_info info{};
  void* foreign_loops[1] = {loop};
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = kProtocols;
  info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
  info.foreign_loops = foreign_loops;
  info.gid = -1;
  info.uid = -1;
  lws_context* lws = lws_create_context(&info);
  if (lws == nullptr) {
    return Error{"cannot create the libwebsockets context (is libwebsockets-evlib-uv installed?)"};
  }
  return std::unique_ptr<ClientContext>(new ClientContext(loop, lws));
}

ClientContext::~ClientContext() {
  // lws 4.1 tears a foreign-loop context down in phases: the first
  // `lws_context_destroy` starts closing its uv handles; only once their close
  // callbacks ran may a second call free the context (lib/core/context.c).
  lws_context_destroy(lws_);
  for (int spin = 0; spin < kMaxTeardownSpins && closingHandles(loop_) > 0; ++spin) {
    uv_run(loop_, UV_RUN_NOWAIT);
  }
  lws_context_destroy(lws_);
}

void configureLwsLogging(bool verbose) {
  int levels = LLL_ERR | LLL_WARN;
  if (verbose) levels |= LLL_NOTICE | LLL_INFO;
  lws_set_log_level(levels, emitLwsLog);
}

}  // namespace airlock::client
