#include "backend/mesos_backend.h"
#include "airlock/peer_text.h"

#include <spdlog/spdlog.h>

#include "backend/mesos_process.h"

namespace airlock::backend {
namespace {

agent::AgentEndpoint endpointOf(const config::AgentConfig& c) {
  agent::AgentEndpoint e;
  e.url = c.url;
  e.content_type = c.content_type == "json" ? agent::ContentType::kJson : agent::ContentType::kProtobuf;
  e.ca_file = c.ca_file;
  e.principal = c.principal;
  e.secret = c.secret;
  e.token = c.token;
  e.connect_timeout_ms = c.connect_timeout_ms;
  return e;
}

TargetInfo targetOf(const agent::ResolvedTask& task) {
  return TargetInfo{task.id, task.app_id, task.labels, task.user};
}

}  // namespace

MesosBackend::MesosBackend(uv_loop_t* loop, const config::Config& config)
    : loop_(loop),
      agent_config_(config.agent),
      client_(loop, endpointOf(config.agent), config.agent.request_timeout_ms),
      tasks_(loop, client_, config.agent.state_ttl_ms) {
  spdlog::info("mesos backend: agent {} ({})", agent_config_.url, agent_config_.content_type);
  // Warm the cache; a failure here is only logged (sessions retry).
  tasks_.refresh([](Result<void> r) {
    if (!r) spdlog::warn("mesos backend: cannot read the agent state yet: {}", r.error().message);
  });
}

MesosBackend::~MesosBackend() = default;

Result<TargetInfo> MesosBackend::resolveTarget(const std::string& target) {
  if (target.empty()) return Error{"a task id is required", kUnknownTarget};
  if (auto task = tasks_.peek(target)) return targetOf(*task);
  return Error{"unknown task " + quotePeerText(target) + " on this agent", kUnknownTarget};
}

void MesosBackend::lookupTarget(const std::string& target, TargetCallback done) {
  if (target.empty()) return done(Error{"a task id is required", kUnknownTarget});
  tasks_.resolve(target, [done = std::move(done)](Result<agent::ResolvedTask> task) {
    if (task) return done(targetOf(*task));
    done(Error{task.error().message,
               task.error().code == agent::kUnknownTask ? kUnknownTarget : kBackendUnavailable});
  });
}

Result<std::unique_ptr<Process>> MesosBackend::start(const SessionSpec& spec, ProcessObserver& observer) {
  if (spec.argv.empty()) return Error{"no command"};
  auto process = std::make_unique<MesosProcess>(*this, spec, observer);
  process->begin();
  return std::unique_ptr<Process>(std::move(process));
}

void MesosBackend::shutdownNow() {
  // Sessions still alive at this point are destroyed with the registry; each
  // closes its launch connection. Nothing else to wait for.
}

}  // namespace airlock::backend
