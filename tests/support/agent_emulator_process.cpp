#include "agent_emulator_process.h"

#include "listening_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

extern char** environ;

namespace airlock::testing {

std::string agentEmulatorPath() { return AIRLOCK_TEST_AGENT_EMULATOR; }
std::string agentFixturePath() { return AIRLOCK_TEST_AGENT_FIXTURE; }

AgentEmulatorProcess::AgentEmulatorProcess(std::vector<std::string> extra_args) {
  std::vector<std::string> args = {agentEmulatorPath(), "--fixture", agentFixturePath()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  Started started = startListening(args);
  pid_ = started.pid;
  url_ = started.url;
  if (pid_ > 0 && url_.empty()) {
    ADD_FAILURE() << "agent-emulator did not report its address: '" << started.first_line << "'";
  }
}

AgentEmulatorProcess::~AgentEmulatorProcess() {
  if (pid_ > 0) stop(std::chrono::seconds(10));
}

int AgentEmulatorProcess::stop(std::chrono::seconds timeout) {
  if (pid_ <= 0) return -1;
  int status = stopProcess(pid_, SIGTERM, timeout, "agent-emulator");
  pid_ = -1;
  return status;
}

}  // namespace airlock::testing
