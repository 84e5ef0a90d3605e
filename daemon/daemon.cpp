#include "daemon.h"

#include <unistd.h>

#include <cstdio>

#include <spdlog/spdlog.h>

#include "backend/backend_factory.h"
#include "service/process_metrics.h"
#include "service/socket_activation.h"

namespace airlock {
namespace {
constexpr uint64_t kShutdownTickMs = 50;
}  // namespace

Daemon::Daemon(uv_loop_t* loop, config::Config config)
    : loop_(loop),
      config_(std::move(config)),
      deleter_(loop),
      reaper_(loop),
      backend_(backend::createBackend(loop, reaper_, config_)),
      registry_(deleter_, config_.limits),
      services_{registry_, *backend_, config_.limits,
                proto::FrameLimits{.max_frame_bytes = config_.limits.max_frame_bytes}} {}

Daemon::~Daemon() = default;

Result<void> Daemon::start() {
  notifier_ = std::make_unique<service::ServiceNotifier>(loop_, [this] { return statusText(); });
  daemon_metrics_ = std::make_unique<metrics::DaemonMetrics>(
      metrics_, std::string(backend_->name()), AIRLOCK_VERSION);
  daemon_metrics_->watchSessions(registry_, [this] { return server_ ? server_->connectionCount() : 0; });
  metrics::addProcessMetrics(metrics_);
  status_endpoints_ = std::make_unique<service::StatusEndpoints>(metrics_);
  services_.metrics = daemon_metrics_.get();
  services_.http = status_endpoints_.get();
  if (config_.auth.enabled()) {
    auto auth = auth::AuthService::create(config_.auth, loop_);
    if (!auth) return Error{"auth: " + auth.error().message, kExitConfig};
    auth_ = std::move(*auth);
    auth_->start();
    services_.auth = auth_.get();
  }
  services_.allowed_origins = config_.auth.allowed_origins;
  auto recording = record::RecordingService::create(loop_, config_.recording);
  if (!recording) return Error{"recording: " + recording.error().message, kExitConfig};
  recording_ = std::move(*recording);
  recording_->countInto(daemon_metrics_->recording_bytes, daemon_metrics_->recording_failures);
  registry_.onSessionStarted([this](session::Session& s) { recording_->attach(s); });

  auto server = ws::WsServer::create(loop_, services_, deleter_);
  if (!server) return Error{server.error().message, kExitInternal};
  server_ = std::move(*server);

  if (auto listening = startListener(); !listening) return listening;
  if (auto allowed = checkListenerIsGuarded(); !allowed) return allowed;
  watchSignal(sigterm_, SIGTERM);
  watchSignal(sigint_, SIGINT);
  watchSignal(sighup_, SIGHUP);
  std::string where = listener_->isUnix() ? listener_->boundAddress()
                                          : "ws://" + listener_->boundAddress() + "/";
  std::printf("listening on %s\n", where.c_str());
  std::fflush(stdout);
  spdlog::info("airlockd listening on {} (backend {})", where, backend_->name());
  lag_probe_.emplace(loop_, daemon_metrics_->loop_lag_seconds);
  notifier_->ready();
  return {};
}

Result<void> Daemon::startListener() {
  auto on_accept = [this](int fd, const net::PeerAddress& peer) { onAccept(fd, peer); };
  auto inherited = service::inheritedListenSocket();
  if (!inherited) return Error{inherited.error().message, kExitCannotListen};
  auto listener = *inherited ? net::Listener::adopt(loop_, **inherited, on_accept)
                  : !config_.listen_unix.empty()
                      ? net::Listener::createUnix(loop_, config_.listen_unix, on_accept)
                      : net::Listener::create(loop_, config_.listen_host, config_.listen_port,
                                              on_accept);
  if (!listener) return Error{listener.error().message, kExitCannotListen};
  listener_ = std::move(*listener);
  if (*inherited) {
    spdlog::info("socket activation: accepting on the socket systemd passed ({}); "
                 "server.listen is not used", listener_->boundAddress());
  }
  return {};
}

Result<void> Daemon::checkListenerIsGuarded() const {
  if (listener_->isUnix()) {
    if (config_.insecure_no_auth) {
      spdlog::warn("--insecure-no-auth has no effect on a Unix socket: callers are identified "
                   "by SO_PEERCRED");
    }
    return {};
  }
  if (auth_) {
    if (config_.insecure_no_auth) {
      spdlog::warn("--insecure-no-auth has no effect: [auth] is configured, so every TCP caller "
                   "needs a token");
    }
    return {};
  }
  if (!config_.insecure_no_auth) {
    return Error{"refusing to listen on " + listener_->boundAddress() +
                     " without authentication: a TCP caller cannot be identified, so anyone "
                     "who can connect would run anything as " +
                     std::string(getuid() == 0 ? "root" : "this user") +
                     ". Listen on a Unix socket (the default, --listen unix:" +
                     std::string(config::kDefaultSocketPath) +
                     "), configure [auth] (public_key_file, jwks_file or jwks_url), or accept "
                     "the risk with --insecure-no-auth",
                 kExitUsage};
  }
  spdlog::warn("!!! --insecure-no-auth: ANYONE who can reach {} can run commands as {} !!!",
               listener_->boundAddress(), getuid() == 0 ? "root" : "this user");
  return {};
}

std::string Daemon::statusText() const {
  size_t connections = server_ ? server_->connectionCount() : 0;
  return std::to_string(registry_.size()) + " sessions, " + std::to_string(connections) +
         " connections" + (stopping_ ? ", stopping" : "");
}

void Daemon::watchSignal(UvHandle<uv_signal_t>& handle, int signum) {
  auto created = UvHandle<uv_signal_t>::create(
      [&](uv_signal_t* h) { return uv_signal_init(loop_, h); }, this);
  if (!created) return;
  handle = std::move(*created);
  uv_signal_start(handle.get(), onUvSignal, signum);
}

void Daemon::onUvSignal(uv_signal_t* handle, int signum) {
  auto* self = ownerOf<Daemon>(handle);
  if (self == nullptr) return;
  if (signum == SIGHUP) {
    self->reload();
    return;
  }
  self->beginShutdown(signum == SIGTERM ? "SIGTERM" : "SIGINT");
}

void Daemon::reload() {
  notifier_->reloading();
  std::optional<config::Config> fresh;
  if (load_config_) {
    if (auto loaded = load_config_(); !loaded) {
      spdlog::error("SIGHUP: the config was not reloaded (the previous one stays): {}",
                    loaded.error().message);
    } else {
      fresh = std::move(*loaded);
    }
  }
  if (auth_) {
    if (auto reloaded = auth_->reload(); !reloaded) {
      spdlog::error("SIGHUP: the auth policy was not reloaded (the previous one stays): {}",
                    reloaded.error().message);
    } else {
      spdlog::info("SIGHUP: the auth policy was reloaded");
    }
    reloadKeys(fresh ? &fresh->auth : nullptr);
  }
  if (fresh) applyReloadedConfig(std::move(*fresh));
  notifier_->reloaded();
}

void Daemon::reloadKeys(const config::AuthConfig* auth) {
  // Without a new config, or with one whose [auth] names no key source
  // (turning auth off needs a restart), the key source in use is read again.
  if (auth != nullptr && !auth->enabled()) {
    spdlog::error("SIGHUP: [auth] names no key source any more; authentication stays on with "
                  "the current key source (restart airlockd to turn it off)");
    auth = nullptr;
  }
  // Loaded in the thread pool; the callback only logs, so it may outlive us.
  auth_->reloadKeys(auth, [](Result<size_t> loaded) {
    if (!loaded) {
      spdlog::error("SIGHUP: the verification keys were not reloaded (the previous ones stay): {}",
                    loaded.error().message);
      return;
    }
    spdlog::info("SIGHUP: the verification keys were reloaded ({} key(s))", *loaded);
  });
}

void Daemon::applyReloadedConfig(config::Config fresh) {
  // Connections size their write buffers by write_slice_bytes when they
  // open, so that one limit cannot change under them.
  if (fresh.limits.write_slice_bytes != config_.limits.write_slice_bytes) {
    spdlog::warn("SIGHUP: limits.write_slice_bytes changes at the next start only");
    fresh.limits.write_slice_bytes = config_.limits.write_slice_bytes;
  }
  services_.allowed_origins = fresh.auth.allowed_origins;
  if (fresh.listen_unix != config_.listen_unix || fresh.listen_host != config_.listen_host ||
      fresh.listen_port != config_.listen_port ||
      fresh.backend != config_.backend || fresh.targets.size() != config_.targets.size()) {
    spdlog::warn("SIGHUP: server.listen, backend, [agent], [[target]] and [recording] change "
                 "at the next start only");
  }
  // The registry, the connections and the sessions read these through
  // references: new values apply to the next frame, session or timer.
  config_.limits = fresh.limits;
  services_.frame_limits.max_frame_bytes = fresh.limits.max_frame_bytes;
  config_.log_level = fresh.log_level;
  spdlog::set_level(spdlog::level::from_str(fresh.log_level));
  spdlog::info("SIGHUP: config reloaded (limits, log level {})", fresh.log_level);
}

void Daemon::onAccept(int fd, const net::PeerAddress& peer) { server_->adopt(fd, peer); }

void Daemon::beginShutdown(const char* why) {
  if (stopping_) return;
  stopping_ = true;
  spdlog::info("{}: shutting down ({} sessions, {} connections)", why, registry_.size(),
               server_->connectionCount());
  notifier_->stopping(why);
  status_endpoints_->setDraining();
  daemon_metrics_->draining.set(1);
  listener_->stop();
  services_.draining = true;  // OPENs on open connections get SHUTTING_DOWN.
  shutdown_started_ms_ = uv_now(loop_);
  shutdown_timer_.emplace(loop_, [this] { onShutdownTick(); });
  shutdown_timer_->start(kShutdownTickMs, kShutdownTickMs);
  uint32_t grace_ms = config_.limits.drain_grace_ms;
  if (grace_ms == 0 || registry_.empty()) {
    endSessions();
    return;
  }
  spdlog::info("draining: {} sessions may run {} ms more", registry_.size(), grace_ms);
  server_->noticeDraining("airlockd is stopping: this session ends in " +
                          std::to_string((grace_ms + 999) / 1000) + " s");
}

void Daemon::endSessions() {
  sessions_ended_ = true;
  server_->shutdownConnections();  // Detaching channels stops their sessions.
  registry_.terminateAll();        // Sessions without a connection, if any.
  shutdown_started_ms_ = uv_now(loop_);
}

void Daemon::onShutdownTick() {
  if (!sessions_ended_) {
    // Sessions that end by themselves meanwhile send their EXIT as usual.
    if (registry_.empty() || uv_now(loop_) - shutdown_started_ms_ >= config_.limits.drain_grace_ms) {
      endSessions();
    }
    return;
  }
  bool timed_out = uv_now(loop_) - shutdown_started_ms_ > config_.limits.shutdown_timeout_ms;
  if (!timed_out && (!registry_.empty() || server_->connectionCount() > 0)) return;
  if (timed_out) {
    spdlog::warn("shutdown timed out with {} sessions and {} connections left; killing them",
                 registry_.size(), server_->connectionCount());
  }
  finishShutdown();
}

void Daemon::finishShutdown() {
  shutdown_timer_.reset();
  lag_probe_.reset();
  notifier_->close();
  backend_->shutdownNow();
  server_->destroy();
  deleter_.drain();
  // The remaining handles belong to members; ~Daemon closes them and the
  // caller runs the loop once more to let their close callbacks finish.
  uv_stop(loop_);
}

int Daemon::run() {
  uv_run(loop_, UV_RUN_DEFAULT);
  return kExitOk;
}

}  // namespace airlock
