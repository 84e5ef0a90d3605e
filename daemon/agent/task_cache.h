// TaskCache: the agent's tasks as session targets, from GET_STATE (spec
// section 4.1): task id -> the task's container (full parent chain), user
// (task, then executor, then framework), labels, and app id (`DCOS_SPACE`
// label, then the Marathon app id taken from the task id). Cached for a TTL;
// a miss refreshes once before answering "unknown task", so a task started a
// second ago is found. Concurrent lookups share one refresh. Owned by the
// MesosBackend; loop thread only.
#pragma once

#include <uv.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/agent_client.h"

namespace airlock::agent {

struct ResolvedTask {
  std::string id;
  std::string app_id;
  std::map<std::string, std::string> labels;
  std::string user;
  mesos::ContainerID container;
};

// Pure mapping of a GET_STATE response; tasks without a known container
// (queued, or no status yet) are left out.
std::map<std::string, ResolvedTask> resolveTasks(const mesos::agent::Response::GetState& state);

// Error::code of a failed TaskCache::resolve.
enum TaskLookupError : int { kUnknownTask = 1, kAgentFailed = 2 };

class TaskCache {
 public:
  TaskCache(uv_loop_t* loop, AgentClient& client, uint32_t ttl_ms);

  // What the cache knows now, fresh or not.
  std::optional<ResolvedTask> peek(const std::string& task_id) const;
  // Calls back (possibly at once) with the task or why it cannot be had.
  void resolve(const std::string& task_id, std::function<void(Result<ResolvedTask>)> fn);
  bool fresh() const;
  void refresh(std::function<void(Result<void>)> fn);

 private:
  void onState(Result<Reply> reply);

  uv_loop_t* loop_;
  AgentClient& client_;
  uint32_t ttl_ms_;
  std::map<std::string, ResolvedTask> tasks_;
  std::optional<uint64_t> loaded_at_ms_;
  std::vector<std::function<void(Result<void>)>> waiting_;
};

}  // namespace airlock::agent
