#include "daemon_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

extern char** environ;

namespace airlock::testing {

std::string daemonPath() { return AIRLOCK_TEST_DAEMON; }
std::string clientPath() { return AIRLOCK_TEST_CLIENT; }
std::string replayPath() { return AIRLOCK_TEST_REPLAY; }

DaemonProcess::DaemonProcess(std::vector<std::string> extra_args) {
  char tmpl[] = "/tmp/airlockd-stderr-XXXXXX";
  int err_fd = mkstemp(tmpl);
  stderr_path_ = tmpl;
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) ADD_FAILURE() << "pipe";
  std::vector<std::string> args = {daemonPath(), "--listen", "127.0.0.1:0"};
  for (size_t i = 0; i + 1 < extra_args.size(); ++i) {
    if (extra_args[i] == "--recordings") recordings_dir_ = extra_args[i + 1];
  }
  if (recordings_dir_.empty()) {
    char dir[] = "/tmp/airlock-recordings-XXXXXX";
    recordings_dir_ = mkdtemp(dir);
    owns_recordings_dir_ = true;
    args.insert(args.end(), {"--recordings", recordings_dir_});
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
  int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  close(err_fd);
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
    ADD_FAILURE() << "airlockd did not report its address; stdout: '" << line
                  << "' stderr: " << stderrText();
    return;
  }
  url_ = line.substr(prefix.size(), line.find('\n') - prefix.size());
}

DaemonProcess::~DaemonProcess() {
  // SIGTERM, so the daemon ends its sessions' processes too (stop() falls
  // back to SIGKILL if it hangs).
  if (pid_ > 0) stop(SIGTERM);
  unlink(stderr_path_.c_str());
  if (owns_recordings_dir_) std::filesystem::remove_all(recordings_dir_);
}

int DaemonProcess::stop(int signum) {
  if (pid_ <= 0) return -1;
  kill(pid_, signum);
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "airlockd did not exit after signal " << signum;
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  return status;
}

std::string DaemonProcess::stderrText() const {
  std::ifstream in(stderr_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

long DaemonProcess::rssKiB() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      long kib = 0;
      in >> kib;
      return kib;
    }
    in.ignore(4096, '\n');
  }
  return -1;
}

}  // namespace airlock::testing
