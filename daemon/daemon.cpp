#include "daemon.h"

#include <unistd.h>

#include <cstdio>

#include <spdlog/spdlog.h>

#include "backend/backend_factory.h"

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
  if (config_.auth.enabled() && !config_.insecure_no_auth) {
    auto auth = auth::AuthService::create(config_.auth, loop_);
    if (!auth) return Error{"auth: " + auth.error().message, kExitConfig};
    auth_ = std::move(*auth);
    auth_->start();
    services_.auth = auth_.get();
  }
  auto recording = record::RecordingService::create(loop_, config_.recording);
  if (!recording) return Error{"recording: " + recording.error().message, kExitConfig};
  recording_ = std::move(*recording);
  registry_.onSessionStarted([this](session::Session& s) { recording_->attach(s); });

  auto server = ws::WsServer::create(loop_, services_, deleter_);
  if (!server) return Error{server.error().message, kExitInternal};
  server_ = std::move(*server);

  auto listener = net::Listener::create(
      loop_, config_.listen_host, config_.listen_port,
      [this](int fd, const net::PeerAddress& peer) { onAccept(fd, peer); });
  if (!listener) return Error{listener.error().message, kExitCannotListen};
  listener_ = std::move(*listener);
  if (!listener_->boundToLoopback() && !auth_ && !config_.insecure_no_auth) {
    return Error{"refusing to listen on " + listener_->boundAddress() +
                     ": authentication is not configured ([auth] public_key_file, jwks_file "
                     "or jwks_url), so airlockd listens on loopback addresses only "
                     "(use --insecure-no-auth to override)",
                 kExitUsage};
  }
  if (!auth_ && !config_.insecure_no_auth) {
    spdlog::warn("authentication is not configured: only loopback callers are accepted, and "
                 "each of them may run anything (configure [auth] to require tokens)");
  }
  if (config_.insecure_no_auth) {
    spdlog::warn("!!! --insecure-no-auth: ANYONE who can reach {} can run commands as {} !!!",
                 listener_->boundAddress(), getuid() == 0 ? "root" : "this user");
  }
  watchSignal(sigterm_, SIGTERM);
  watchSignal(sigint_, SIGINT);
  if (auth_) watchSignal(sighup_, SIGHUP);
  std::string host = listener_->boundAddress();
  std::printf("listening on ws://%s/\n", host.c_str());
  std::fflush(stdout);
  spdlog::info("airlockd listening on {} (backend {})", host, backend_->name());
  return {};
}

void Daemon::watchSignal(loop::UvHandle<uv_signal_t>& handle, int signum) {
  auto created = loop::UvHandle<uv_signal_t>::create(
      [&](uv_signal_t* h) { return uv_signal_init(loop_, h); }, this);
  if (!created) return;
  handle = std::move(*created);
  uv_signal_start(handle.get(), onUvSignal, signum);
}

void Daemon::onUvSignal(uv_signal_t* handle, int signum) {
  auto* self = loop::ownerOf<Daemon>(handle);
  if (self == nullptr) return;
  if (signum == SIGHUP) {
    if (auto reloaded = self->auth_->reload(); !reloaded) {
      spdlog::error("SIGHUP: the auth policy was not reloaded (the previous one stays): {}",
                    reloaded.error().message);
    } else {
      spdlog::info("SIGHUP: the auth policy was reloaded");
    }
    return;
  }
  self->beginShutdown(signum == SIGTERM ? "SIGTERM" : "SIGINT");
}

void Daemon::onAccept(int fd, const net::PeerAddress& peer) {
  if (!peer.loopback && !config_.insecure_no_auth && !auth_) {
    spdlog::warn("refused a connection from {}: only loopback callers are accepted", peer.text);
    close(fd);
    return;
  }
  server_->adopt(fd, peer);
}

void Daemon::beginShutdown(const char* why) {
  if (stopping_) return;
  stopping_ = true;
  spdlog::info("{}: shutting down ({} sessions, {} connections)", why, registry_.size(),
               server_->connectionCount());
  listener_->stop();
  server_->shutdownConnections();  // Detaching channels stops their sessions.
  registry_.terminateAll();        // Sessions without a connection, if any.
  shutdown_started_ms_ = uv_now(loop_);
  shutdown_timer_.emplace(loop_, [this] { onShutdownTick(); });
  shutdown_timer_->start(kShutdownTickMs, kShutdownTickMs);
}

void Daemon::onShutdownTick() {
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
