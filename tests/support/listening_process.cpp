#include "listening_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

extern char** environ;

namespace airlock::testing {

Started startListening(const std::vector<std::string>& args, int stderr_fd) {
  Started started;
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe";
    return started;
  }
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  if (stderr_fd >= 0) posix_spawn_file_actions_adddup2(&actions, stderr_fd, 2);
  int rc = posix_spawn(&started.pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (rc != 0) {
    ADD_FAILURE() << "cannot start " << argv[0];
    started.pid = -1;
    close(out[0]);
    return started;
  }
  std::string& line = started.first_line;
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
  if (line.rfind(prefix, 0) == 0 && line.find('\n') != std::string::npos) {
    started.url = line.substr(prefix.size(), line.find('\n') - prefix.size());
  }
  return started;
}

namespace {

std::string readProc(pid_t pid, const std::string& leaf) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/" + leaf);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string commandLine(pid_t pid) {
  std::string line = readProc(pid, "cmdline");
  for (char& c : line) c = c == '\0' ? ' ' : c;
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

// "PID 'COMMAND LINE' state S" (Z: a zombie, whose command line is empty).
std::string identify(pid_t pid) {
  std::string stat = readProc(pid, "stat");
  size_t paren = stat.rfind(')');
  char state = paren != std::string::npos && paren + 2 < stat.size() ? stat[paren + 2] : '?';
  return std::to_string(pid) + " '" + commandLine(pid) + "' state " + state;
}

}  // namespace

std::string describeProcess(pid_t pid) {
  std::ostringstream out;
  out << "pid " << identify(pid);
  std::string wchan = readProc(pid, "wchan");
  if (!wchan.empty() && wchan != "0") out << ", waiting in " << wchan;
  std::error_code ec;
  std::vector<std::string> children;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::istringstream ids(readProc(pid, "task/" + task.path().filename().string() + "/children"));
    for (pid_t child; ids >> child;) children.push_back(identify(child));
  }
  out << ", " << children.size() << " children";
  for (const auto& c : children) out << "; " << c;
  return out.str();
}

int stopProcess(pid_t pid, int signum, std::chrono::seconds timeout, const std::string& name) {
  if (signum != 0) kill(pid, signum);
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << name << " did not exit within " << timeout.count() << " s of signal " << signum << ": "
                    << describeProcess(pid);
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status;
}

}  // namespace airlock::testing
