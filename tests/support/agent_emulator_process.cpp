#include "agent_emulator_process.h"

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
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) ADD_FAILURE() << "pipe";
  std::vector<std::string> args = {agentEmulatorPath(), "--fixture", agentFixturePath()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (rc != 0) {
    ADD_FAILURE() << "cannot start " << argv[0];
    pid_ = -1;
    close(out[0]);
    return;
  }
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[256];
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
  }
  close(out[0]);
  const std::string prefix = "listening on ";
  if (line.rfind(prefix, 0) != 0 || line.find('\n') == std::string::npos) {
    ADD_FAILURE() << "agent-emulator did not report its address: '" << line << "'";
    return;
  }
  url_ = line.substr(prefix.size(), line.find('\n') - prefix.size());
}

AgentEmulatorProcess::~AgentEmulatorProcess() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "agent-emulator did not exit after SIGTERM";
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace airlock::testing
