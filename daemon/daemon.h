// Daemon: airlockd assembled. Owns, in construction order, the deferred
// deleter, the child reaper, the backend, the session registry, the lws
// server and the listener, and tears them down in one ordered sequence on
// SIGTERM/SIGINT (R30): stop accepting, end every session with a message to
// its client, close connections, destroy lws, close our handles, and require
// `uv_loop_close() == 0`. Loop thread only.
#pragma once

#include <uv.h>

#include <memory>
#include <optional>

#include "airlock/result.h"
#include "auth/auth_service.h"
#include "backend/child_reaper.h"
#include "backend/process.h"
#include "config/config.h"
#include "loop/deferred_deleter.h"
#include "loop/timer.h"
#include "loop/uv_handle.h"
#include "net/listener.h"
#include "record/recording_service.h"
#include "session/session_registry.h"
#include "ws/connection_services.h"
#include "ws/ws_server.h"

namespace airlock {

// Process exit codes of airlockd (sysexits.h where one fits).
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 64;
inline constexpr int kExitCannotListen = 69;
inline constexpr int kExitInternal = 70;
inline constexpr int kExitConfig = 78;

class Daemon {
 public:
  Daemon(uv_loop_t* loop, config::Config config);
  ~Daemon();

  // Binds, starts lws and the signal watchers, prints the bound address.
  // Returns the exit code to use on failure.
  Result<void> start();
  // Runs the loop until shutdown completes; returns the process exit code.
  int run();

 private:
  void onAccept(int fd, const net::PeerAddress& peer);
  void beginShutdown(const char* why);
  void onShutdownTick();
  void finishShutdown();
  void watchSignal(loop::UvHandle<uv_signal_t>& handle, int signum);
  static void onUvSignal(uv_signal_t* handle, int signum);

  uv_loop_t* loop_;
  config::Config config_;
  loop::DeferredDeleter deleter_;
  backend::ChildReaper reaper_;
  std::unique_ptr<backend::Backend> backend_;  // Chosen by `config.backend`.
  session::SessionRegistry registry_;
  // Before `services_` and the server, which point at it: destroyed after them.
  std::unique_ptr<auth::AuthService> auth_;  // Null: auth is off (see `start`).
  ws::ConnectionServices services_;
  std::unique_ptr<record::RecordingService> recording_;
  std::unique_ptr<ws::WsServer> server_;
  std::unique_ptr<net::Listener> listener_;
  loop::UvHandle<uv_signal_t> sigterm_;
  loop::UvHandle<uv_signal_t> sigint_;
  loop::UvHandle<uv_signal_t> sighup_;          // Reloads the auth policy file.
  std::optional<loop::Timer> shutdown_timer_;
  uint64_t shutdown_started_ms_ = 0;
  bool stopping_ = false;
};

}  // namespace airlock
