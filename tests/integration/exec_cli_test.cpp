// The `airlock` CLI against the real daemon: exit codes, streams, stdin EOF,
// and what happens when the client dies.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "command.h"
#include "daemon_process.h"
#include "listening_process.h"

extern char** environ;

namespace airlock::testing {
namespace {

using namespace std::chrono_literals;

class ExecCliTest : public ::testing::Test {
 protected:
  CommandResult exec(std::vector<std::string> args, const std::string& input = {}) {
    std::vector<std::string> argv = {clientPath(), "--url", daemon_.url(), "exec"};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv, input);
  }
  DaemonProcess daemon_;
};

TEST_F(ExecCliTest, ExitCodesComeBack) {
  EXPECT_EQ(exec({"host", "--", "true"}).exitCode(), 0);
  EXPECT_EQ(exec({"host", "--", "sh", "-c", "exit 7"}).exitCode(), 7);
  EXPECT_EQ(exec({"host", "--", "sh", "-c", "kill -9 $$"}).exitCode(), 128 + 9);
}

TEST_F(ExecCliTest, StdoutAndStderrStaySeparateWithoutTty) {
  auto r = exec({"host", "--", "sh", "-c", "echo to-out; echo to-err >&2"});
  EXPECT_EQ(r.exitCode(), 0);
  EXPECT_EQ(r.out, "to-out\n");
  EXPECT_EQ(r.err, "to-err\n");
}

TEST_F(ExecCliTest, StdinEofEndsCatInPipeMode) {
  std::string input;
  for (int i = 0; i < 20000; ++i) input += "line " + std::to_string(i) + "\n";
  auto r = exec({"-i", "host", "--", "cat"}, input);
  EXPECT_EQ(r.exitCode(), 0) << r.err;
  EXPECT_EQ(r.out, input);
}

TEST_F(ExecCliTest, EnvironmentAndUserFlags) {
  auto r = exec({"-e", "GREETING=hi there", "host", "--", "sh", "-c", "echo \"$GREETING\""});
  EXPECT_EQ(r.out, "hi there\n");
  struct stat root {};
  bool others_can_enter_root = stat("/", &root) == 0 && (root.st_mode & S_IXOTH) != 0;
  if (getuid() == 0 && others_can_enter_root) {
    auto n = exec({"-u", "nobody", "host", "--", "id", "-un"});
    EXPECT_EQ(n.exitCode(), 0) << n.err;
    EXPECT_EQ(n.out, "nobody\n");
  }
}

TEST_F(ExecCliTest, UnknownTargetFailsWithTheDaemonsReason) {
  auto r = exec({"nowhere", "--", "true"});
  EXPECT_EQ(r.exitCode(), 125);
  EXPECT_NE(r.err.find("nowhere"), std::string::npos) << r.err;
}

// A client killed mid-session leaves no process behind, even one that
// ignores SIGHUP, and even when it was opened and closed at once.
TEST_F(ExecCliTest, KilledClientLeavesNoProcessBehind) {
  for (bool tty : {false, true}) {
    // Unique per run, so a leftover of another run cannot confuse this one.
    std::string marker = std::to_string(900000 + getpid() % 90000) + (tty ? "1" : "2");
    std::vector<std::string> args = {clientPath(), "--url", daemon_.url(), "exec", "host", "--", "sh", "-c",
                                     "trap '' HUP; sleep " + marker + " & sleep " + marker + "; wait"};
    if (tty) args.insert(args.begin() + 4, "-t");  // -t without a terminal falls back, keep both paths.
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    ASSERT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (processesRunning("sleep " + marker).size() < 2 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    ASSERT_EQ(processesRunning("sleep " + marker).size(), 2u);
    airlock::testing::stopProcess(pid, SIGKILL, 10s, "airlock exec");
    // SIGHUP is ignored, so this waits for the SIGKILL after the grace period.
    deadline = std::chrono::steady_clock::now() + 10s;
    while (!processesRunning("sleep " + marker).empty() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(processesRunning("sleep " + marker).empty()) << "tty=" << tty << daemon_.stderrText();
  }
}

TEST_F(ExecCliTest, QuickOpenAndCloseLeavesNoShells) {
  // ttyd leaks shells here (peers.md): open, see the prompt, leave at once.
  std::string marker = std::to_string(800000 + getpid() % 90000);
  for (int i = 0; i < 30; ++i) {
    std::vector<std::string> args = {clientPath(), "--url", daemon_.url(), "exec", "-i", "host", "--",
                                     "bash", "--norc", "--noprofile", "-c", "sleep " + marker};
    auto r = runCommand(args, {}, 50ms);  // Killed by the deadline.
    (void)r;
  }
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!processesRunning("sleep " + marker).empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(processesRunning("sleep " + marker).empty());
}

TEST_F(ExecCliTest, LsListsLiveSessions) {
  std::vector<std::string> args = {clientPath(), "--url", daemon_.url(), "exec", "host", "--", "sleep", "987300"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  ASSERT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (processesRunning("sleep 987300").empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  auto r = runCommand({clientPath(), "--url", daemon_.url(), "ls"});
  EXPECT_EQ(r.exitCode(), 0) << r.err;
  EXPECT_NE(r.out.find("sleep 987300"), std::string::npos) << r.out;
  stopProcess(pid, SIGTERM, 10s, "airlock exec");
}

}  // namespace
}  // namespace airlock::testing
