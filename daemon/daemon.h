// Daemon: airlockd assembled. Owns, in construction order, the deferred
// deleter, the child reaper, the backend, the session registry, the lws
// server and the listener, and tears them down in one ordered sequence on
// SIGTERM/SIGINT (R30): stop accepting, tell systemd (STOPPING=1), let the
// sessions run for `limits.drain_grace_ms` (no new ones), end every session
// with a message to its client, close connections, destroy lws, close our
// handles, and require `uv_loop_close() == 0`. SIGHUP reloads the auth
// policy, the token keys and, through the config loader, limits and log
// level. Loop thread only.
#pragma once

#include <uv.h>

#include <functional>
#include <memory>
#include <optional>

#include "airlock/result.h"
#include "auth/auth_service.h"
#include "backend/child_reaper.h"
#include "backend/process.h"
#include "config/config.h"
#include "loop/deferred_deleter.h"
#include "loop/timer.h"
#include "airlock/uv_handle.h"
#include "net/listener.h"
#include "service/daemon_metrics.h"
#include "service/loop_lag_probe.h"
#include "service/metrics_registry.h"
#include "service/service_notifier.h"
#include "service/status_endpoints.h"
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
  // How SIGHUP re-reads the config (file, environment, flags: the same as at
  // start). Without one, SIGHUP reloads the auth policy only.
  using ConfigLoader = std::function<Result<config::Config>()>;
  void setConfigLoader(ConfigLoader loader) { load_config_ = std::move(loader); }
  metrics::Registry& metrics() { return metrics_; }

 private:
  void onAccept(int fd, const net::PeerAddress& peer);
  void beginShutdown(const char* why);
  // The end of the drain: SHUTTING_DOWN to every session, stop them all.
  void endSessions();
  void onShutdownTick();
  void reload();
  // SIGHUP: the token keys from `auth`'s key source (null: the one in use),
  // swapped in if they load.
  void reloadKeys(const config::AuthConfig* auth);
  void applyReloadedConfig(config::Config fresh);
  Result<void> startListener();
  // A TCP listener needs [auth] or --insecure-no-auth; a Unix one identifies
  // its callers by SO_PEERCRED.
  Result<void> checkListenerIsGuarded() const;
  std::string statusText() const;
  void finishShutdown();
  void watchSignal(UvHandle<uv_signal_t>& handle, int signum);
  static void onUvSignal(uv_signal_t* handle, int signum);

  uv_loop_t* loop_;
  config::Config config_;
  // Before everything that counts into it.
  metrics::Registry metrics_;
  std::unique_ptr<metrics::DaemonMetrics> daemon_metrics_;
  std::unique_ptr<service::StatusEndpoints> status_endpoints_;
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
  UvHandle<uv_signal_t> sigterm_;
  UvHandle<uv_signal_t> sigint_;
  UvHandle<uv_signal_t> sighup_;          // Reloads the policy, limits, log level.
  std::optional<loop::Timer> shutdown_timer_;
  uint64_t shutdown_started_ms_ = 0;
  bool stopping_ = false;
  bool sessions_ended_ = false;  // The drain is over (endSessions ran).
  ConfigLoader load_config_;
  std::unique_ptr<service::ServiceNotifier> notifier_;  // sd_notify; a no-op outside systemd.
  std::optional<metrics::LoopLagProbe> lag_probe_;
};

}  // namespace airlock
