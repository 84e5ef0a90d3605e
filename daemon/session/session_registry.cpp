#include "session/session_registry.h"
#include "airlock/peer_text.h"

#include "util/uuid.h"

#include <sys/random.h>

#include <chrono>
#include <cstdio>

#include <spdlog/spdlog.h>

namespace airlock::session {
namespace {


// Free output buffers kept for reuse: 32 x 256 KiB = 8 MiB at most.
constexpr size_t kFreeBuffers = 32;

uint64_t nowUnixMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

SessionRegistry::SessionRegistry(loop::DeferredDeleter& deleter, const config::Limits& limits)
    : deleter_(deleter), limits_(limits), buffers_(limits.session_buffer_bytes, kFreeBuffers) {}

SessionRegistry::~SessionRegistry() = default;

SessionRegistry::Created SessionRegistry::create(backend::Backend& backend,
                                                 const std::string& principal,
                                                 backend::SessionSpec spec,
                                                 SessionConsumer& first,
                                                 const Authorization& authorization) {
  auto target = backend.resolveTarget(spec.target);
  if (!target) return {nullptr, Refusal::kUnknownTarget, target.error().message};
  uint32_t& count = per_principal_[principal];
  if (count >= limits_.max_sessions_per_user) {
    return {nullptr, Refusal::kTooMany,
            quotePeerText(principal) + " already has " + std::to_string(count) +
                " live sessions (limits.max_sessions_per_user)"};
  }
  SessionInfo info;
  info.id = util::newUuid4();
  info.principal = principal;
  info.spec = std::move(spec);
  info.started_unix_ms = nowUnixMs();
  info.user = info.spec.user.empty() ? target->user : info.spec.user;
  info.app_id = target->app_id;
  info.labels = target->labels;
  info.authz_verdict = authorization.verdict;
  info.authz_rule = authorization.rule;
  auto session = std::make_unique<Session>(*this, std::move(info), buffers_);
  if (auto started = session->start(backend, first); !started) {
    return {nullptr, Refusal::kSpawnFailed, started.error().message};
  }
  Session* raw = session.get();
  ++count;
  if (start_hook_) start_hook_(*raw);
  spdlog::info("session {} started: principal={} target={} user={} tty={} pid={} argv0={}",
               raw->info().id, principal, raw->info().spec.target, raw->info().user,
               raw->info().spec.tty, raw->pid(), raw->info().spec.argv[0]);
  sessions_.emplace(raw->info().id, std::move(session));
  return {raw, Refusal::kNone, {}};
}

void SessionRegistry::finish(Session& session) {
  auto it = sessions_.find(session.info().id);
  if (it == sessions_.end()) return;
  auto count = per_principal_.find(session.info().principal);
  if (count != per_principal_.end() && --count->second == 0) per_principal_.erase(count);
  deleter_.deferDelete(std::move(it->second));
  sessions_.erase(it);
}

Session* SessionRegistry::find(const std::string& id) {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second.get();
}

void SessionRegistry::terminateAll() {
  for (auto& [id, session] : sessions_) session->terminate();
}

void SessionRegistry::forEach(const std::function<void(const Session&)>& fn) const {
  for (const auto& [id, session] : sessions_) fn(*session);
}

}  // namespace airlock::session
