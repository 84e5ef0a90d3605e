#include "command.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

extern char** environ;

namespace airlock::testing {

int CommandResult::exitCode() const {
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return WEXITSTATUS(wait_status);
}

CommandResult runCommand(const std::vector<std::string>& argv, const std::string& input,
                         std::chrono::milliseconds timeout, bool close_stdin) {
  CommandResult result;
  int in[2], out[2], err[2];
  pipe2(in, O_CLOEXEC);
  pipe2(out, O_CLOEXEC);
  pipe2(err, O_CLOEXEC);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    close(err[0]);
    result.err = "cannot start " + argv[0];
    return result;
  }
  fcntl(in[1], F_SETFL, O_NONBLOCK);
  size_t sent = 0;
  int in_fd = in[1];
  int held_in = -1;  // Kept open (not polled) when the caller wants no EOF.
  if (input.empty() && close_stdin) {
    close(in_fd);
    in_fd = -1;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool out_open = true, err_open = true;
  while (out_open || err_open) {
    if (std::chrono::steady_clock::now() > deadline) {
      result.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    pollfd fds[3] = {{out_open ? out[0] : -1, POLLIN, 0},
                     {err_open ? err[0] : -1, POLLIN, 0},
                     {in_fd, POLLOUT, 0}};
    if (poll(fds, 3, 50) <= 0) continue;
    char buf[65536];
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(n));
      } else {
        (i == 0 ? out_open : err_open) = false;
      }
    }
    if (in_fd >= 0 && fds[2].revents != 0) {
      ssize_t n = write(in_fd, input.data() + sent, input.size() - sent);
      if (n > 0) sent += static_cast<size_t>(n);
      if (n < 0 || sent == input.size()) {
        if (close_stdin || n < 0) {
          close(in_fd);
        } else {
          held_in = in_fd;
        }
        in_fd = -1;
      }
    }
  }
  if (in_fd >= 0) close(in_fd);
  if (held_in >= 0) close(held_in);
  close(out[0]);
  close(err[0]);
  waitpid(pid, &result.wait_status, 0);
  return result;
}

std::vector<pid_t> processesRunning(const std::string& wanted) {
  std::vector<pid_t> found;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return found;
  while (dirent* entry = readdir(proc)) {
    pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
    if (pid <= 0 || pid == getpid()) continue;
    // Plain read(2): the process may vanish mid-read (ESRCH), which
    // libstdc++'s streams turn into an exception.
    std::string cmdline;
    int fd = open(("/proc/" + std::string(entry->d_name) + "/cmdline").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) cmdline.append(buf, static_cast<size_t>(n));
    close(fd);
    for (char& c : cmdline) {
      if (c == '\0') c = ' ';
    }
    if (!cmdline.empty() && cmdline.back() == ' ') cmdline.pop_back();
    if (cmdline == wanted) found.push_back(pid);
  }
  closedir(proc);
  return found;
}

}  // namespace airlock::testing
