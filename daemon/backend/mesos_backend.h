// MesosBackend: sessions as nested container sessions of the local Mesos
// agent, through its v1 operator API (docs mesos-agent-api.md), the way
// `dcos task exec` runs them: the target is a task id, resolved through the
// GET_STATE cache; each session is a MesosProcess. Owned by the Daemon; loop
// thread only.
#pragma once

#include <uv.h>

#include <memory>
#include <set>

#include "agent/agent_client.h"
#include "agent/task_cache.h"
#include "backend/process.h"
#include "config/config.h"

namespace airlock::backend {

class MesosProcess;

class MesosBackend final : public Backend {
 public:
  MesosBackend(uv_loop_t* loop, const config::Config& config);
  ~MesosBackend() override;

  // Backend
  std::string_view name() const override { return "mesos"; }
  // Answers from the cache. A task it does not know yet is resolved by the
  // session itself (one GET_STATE refresh), which then fails if it is unknown.
  Result<TargetInfo> resolveTarget(const std::string& target) override;
  void lookupTarget(const std::string& target, TargetCallback done) override;
  Result<std::unique_ptr<Process>> start(const SessionSpec& spec, ProcessObserver& observer) override;
  void shutdownNow() override;

  agent::AgentClient& client() { return client_; }
  agent::TaskCache& tasks() { return tasks_; }
  const config::AgentConfig& agentConfig() const { return agent_config_; }
  uv_loop_t* loop() const { return loop_; }

 private:
  uv_loop_t* loop_;
  config::AgentConfig agent_config_;
  agent::AgentClient client_;
  agent::TaskCache tasks_;
};

}  // namespace airlock::backend
