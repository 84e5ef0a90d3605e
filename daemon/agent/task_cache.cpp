#include "agent/task_cache.h"
#include "airlock/peer_text.h"

#include <spdlog/spdlog.h>

namespace airlock::agent {
namespace {

std::string label(const mesos::Labels& labels, const std::string& key) {
  for (const auto& l : labels.labels()) {
    if (l.key() == key) return l.value();
  }
  return {};
}

// Marathon task ids are `<app path with / as _>.<uuid>`: "prod_web.6f1c..." -> "/prod/web".
std::string marathonAppId(const std::string& task_id) {
  size_t dot = task_id.rfind('.');
  if (dot == std::string::npos || dot == 0) return {};
  std::string app = "/" + task_id.substr(0, dot);
  for (char& c : app) c = c == '_' ? '/' : c;
  return app;
}

}  // namespace

std::map<std::string, ResolvedTask> resolveTasks(const mesos::agent::Response::GetState& state) {
  std::map<std::string, const mesos::ExecutorInfo*> executors;
  for (const auto& e : state.get_executors().executors()) {
    executors[e.executor_info().framework_id().value() + "/" + e.executor_info().executor_id().value()] =
        &e.executor_info();
  }
  std::map<std::string, const mesos::FrameworkInfo*> frameworks;
  for (const auto& f : state.get_frameworks().frameworks()) {
    frameworks[f.framework_info().id().value()] = &f.framework_info();
  }
  std::map<std::string, ResolvedTask> out;
  for (const auto& task : state.get_tasks().launched_tasks()) {
    const mesos::TaskStatus* with_container = nullptr;
    for (const auto& s : task.statuses()) {
      if (s.container_status().has_container_id()) with_container = &s;  // The last one wins.
    }
    if (with_container == nullptr) continue;
    ResolvedTask r;
    r.id = task.task_id().value();
    r.container = with_container->container_status().container_id();
    for (const auto& l : task.labels().labels()) r.labels[l.key()] = l.value();
    // Command tasks have no executor id: their executor id is the task id.
    std::string executor_id = task.has_executor_id() ? task.executor_id().value() : r.id;
    auto exec = executors.find(task.framework_id().value() + "/" + executor_id);
    auto fw = frameworks.find(task.framework_id().value());
    if (task.has_user()) {
      r.user = task.user();
    } else if (exec != executors.end() && exec->second->command().has_user()) {
      r.user = exec->second->command().user();
    } else if (fw != frameworks.end()) {
      r.user = fw->second->user();
    }
    r.app_id = label(task.labels(), "DCOS_SPACE");
    if (r.app_id.empty() && exec != executors.end()) r.app_id = label(exec->second->labels(), "DCOS_SPACE");
    if (r.app_id.empty()) r.app_id = marathonAppId(r.id);
    out.emplace(r.id, std::move(r));
  }
  return out;
}

TaskCache::TaskCache(uv_loop_t* loop, AgentClient& client, uint32_t ttl_ms)
    : loop_(loop), client_(client), ttl_ms_(ttl_ms) {}

std::optional<ResolvedTask> TaskCache::peek(const std::string& task_id) const {
  auto it = tasks_.find(task_id);
  if (it == tasks_.end()) return std::nullopt;
  return it->second;
}

bool TaskCache::fresh() const { return loaded_at_ms_ && uv_now(loop_) - *loaded_at_ms_ < ttl_ms_; }

void TaskCache::resolve(const std::string& task_id, std::function<void(Result<ResolvedTask>)> fn) {
  if (fresh()) {
    if (auto hit = peek(task_id)) return fn(std::move(*hit));
  }
  // Stale, or a miss: ask the agent once more before saying no.
  refresh([this, task_id, fn = std::move(fn)](Result<void> refreshed) {
    if (!refreshed) {
      return fn(Error{"cannot read the agent's tasks: " + refreshed.error().message, kAgentFailed});
    }
    if (auto hit = peek(task_id)) return fn(std::move(*hit));
    fn(Error{"unknown task " + quotePeerText(task_id) + " on this agent", kUnknownTask});
  });
}

void TaskCache::refresh(std::function<void(Result<void>)> fn) {
  waiting_.push_back(std::move(fn));
  if (waiting_.size() > 1) return;  // One GET_STATE for everyone waiting.
  client_.call(getStateCall(), [this](Result<Reply> reply) { onState(std::move(reply)); });
}

void TaskCache::onState(Result<Reply> reply) {
  Result<void> outcome;
  if (!reply) {
    outcome = reply.error();
  } else if (reply->status != 200) {
    outcome = Error{describeFailure(client_.endpoint(), CURLE_OK, reply->status, reply->body)};
  } else {
    mesos::agent::Response response;
    if (auto r = decodeMessage(reply->body, client_.endpoint().content_type, response); !r) {
      outcome = Error{"GET_STATE: " + r.error().message};
    } else {
      tasks_ = resolveTasks(response.get_state());
      loaded_at_ms_ = uv_now(loop_);
      spdlog::debug("agent state: {} tasks with containers", tasks_.size());
    }
  }
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& fn : waiting) fn(outcome);
}

}  // namespace airlock::agent
