// AgentEmulatorProcess: the agent emulator (tests/agent_emulator) started by
// a test on 127.0.0.1 port 0 with the standard task fixture; reads its
// "listening on http://..." line and stops it with SIGTERM. Test thread only.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace airlock::testing {

class AgentEmulatorProcess {
 public:
  explicit AgentEmulatorProcess(std::vector<std::string> extra_args = {});
  ~AgentEmulatorProcess();
  const std::string& url() const { return url_; }  // http://127.0.0.1:PORT/api/v1
  pid_t pid() const { return pid_; }
  // SIGTERM and a wait of at most `timeout` (a test failure after it); the
  // wait status. The destructor does this with 10 s when no test did.
  int stop(std::chrono::seconds timeout);

 private:
  pid_t pid_ = -1;
  std::string url_;
};

std::string agentEmulatorPath();
std::string agentFixturePath();

// Task ids of the fixture: a command task (no parent container) and a pod
// task (nested under its executor's container).
inline constexpr const char* kFixtureCommandTask = "web.6f1c2d3e-0000-4000-8000-000000000001";
inline constexpr const char* kFixturePodTask = "db-pod.task-1";

}  // namespace airlock::testing
