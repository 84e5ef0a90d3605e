// SessionRegistry: every live session of the daemon, by id. Creates sessions
// (enforcing the per-principal limit), lists them, and deletes them once they
// finished (deferred, R10). Owned by the Daemon; loop thread only.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backend/process.h"
#include "config/config.h"
#include "loop/deferred_deleter.h"
#include "session/buffer_pool.h"
#include "session/session.h"

namespace airlock::session {

// The decision that let a session start (recorded in its header).
struct SessionAuthorization {
  std::string verdict = "allow";
  std::string rule = "no authentication configured";
};

class SessionRegistry {
 public:
  SessionRegistry(loop::DeferredDeleter& deleter, const config::Limits& limits);
  BufferPool& buffers() { return buffers_; }
  // How far a watcher may fall behind before it is cut (limits.watcher_lag_bytes,
  // at most half a session buffer); read live, so SIGHUP applies it.
  size_t watcherLagBytes() const {
    return std::min(limits_.watcher_lag_bytes, limits_.session_buffer_bytes / 2);
  }
  ~SessionRegistry();

  enum class Refusal { kNone, kTooMany, kUnknownTarget, kSpawnFailed };
  struct Created {
    Session* session = nullptr;
    Refusal refusal = Refusal::kNone;
    std::string reason;
  };
  // Resolves the target, checks the limit, starts the process with `first`
  // attached. On refusal, `session` is null and `reason` says why.
  using Authorization = SessionAuthorization;
  Created create(backend::Backend& backend, const std::string& principal,
                 backend::SessionSpec spec, SessionConsumer& first,
                 const Authorization& authorization = Authorization());

  // Called for every session right after its process started, before any of
  // its output is read: the recorder attaches here.
  using StartHook = std::function<void(Session&)>;
  void onSessionStarted(StartHook hook) { start_hook_ = std::move(hook); }

  void finish(Session& session);
  void terminateAll();
  bool empty() const { return sessions_.empty(); }
  size_t size() const { return sessions_.size(); }
  void forEach(const std::function<void(const Session&)>& fn) const;
  // The live session `id`, or null.
  Session* find(const std::string& id);

 private:
  loop::DeferredDeleter& deleter_;
  const config::Limits& limits_;
  std::map<std::string, std::unique_ptr<Session>> sessions_;
  std::map<std::string, uint32_t> per_principal_;
  StartHook start_hook_;
  BufferPool buffers_;
};

}  // namespace airlock::session
