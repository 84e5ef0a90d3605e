// airlock-enter: started by airlockd (posix_spawn, already in the session's
// new session and on its terminal) when a session must join another
// process's namespaces, root and cwd, or run as another user. It does that,
// then execs the command. Usage:
//   airlock-enter [--pid N] [--user NAME] [--cwd DIR] -- PROGRAM [ARGS...]
// On failure it prints one line to stderr (the session's output) and exits
// 126 (cannot enter / cannot change user) or 127 (command not found).
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr int kExitCannotEnter = 126;
constexpr int kExitNotFound = 127;

[[noreturn]] void fail(const std::string& what, int code = kExitCannotEnter) {
  std::fprintf(stderr, "airlock-enter: %s: %s\r\n", what.c_str(), std::strerror(errno));
  std::exit(code);
}

struct Options {
  int pid = 0;
  std::string user;
  std::string cwd;
  std::vector<char*> command;
};

Options parse(int argc, char** argv) {
  Options o;
  int i = 1;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (i + 1 >= argc) break;
    if (arg == "--pid") o.pid = std::atoi(argv[++i]);
    else if (arg == "--user") o.user = argv[++i];
    else if (arg == "--cwd") o.cwd = argv[++i];
    else break;
  }
  for (; i < argc; ++i) o.command.push_back(argv[i]);
  o.command.push_back(nullptr);
  if (o.command.size() < 2) {
    std::fprintf(stderr, "usage: airlock-enter [--pid N] [--user NAME] [--cwd DIR] -- CMD...\n");
    std::exit(2);
  }
  return o;
}

// Joins every namespace of `pid` and its root; returns true if the pid
// namespace changed (which only applies to children, so we must fork).
bool enterProcess(int pid) {
  std::string base = "/proc/" + std::to_string(pid);
  int root = open((base + "/root").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int cwd = open((base + "/cwd").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root < 0 || cwd < 0) fail("cannot open the root of process " + std::to_string(pid));
  bool new_pid_ns = false;
  // The mount namespace goes last: after it, /proc paths may mean another tree.
  const char* kinds[] = {"cgroup", "ipc", "uts", "net", "pid", "mnt"};
  for (const char* kind : kinds) {
    std::string path = base + "/ns/" + kind;
    std::string self = std::string("/proc/self/ns/") + kind;
    char a[64] = {}, b[64] = {};
    if (readlink(path.c_str(), a, sizeof a - 1) > 0 && readlink(self.c_str(), b, sizeof b - 1) > 0 &&
        std::strcmp(a, b) == 0) {
      continue;  // Already there; setns would need privileges for nothing.
    }
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail("cannot open " + path);
    if (setns(fd, 0) != 0) fail(std::string("cannot join the ") + kind + " namespace of process " + std::to_string(pid));
    close(fd);
    if (std::strcmp(kind, "pid") == 0) new_pid_ns = true;
  }
  if (fchdir(root) != 0 || chroot(".") != 0) fail("cannot enter the root of process " + std::to_string(pid));
  if (fchdir(cwd) != 0) fail("cannot enter the working directory of process " + std::to_string(pid));
  close(root);
  close(cwd);
  return new_pid_ns;
}

// Changes to `user`; moves to its home only when `go_home` (the session
// has no working directory of its own: neither --cwd nor a target process).
void becomeUser(const std::string& user, bool go_home) {
  errno = 0;
  passwd* pw = getpwnam(user.c_str());
  if (pw == nullptr) {
    if (errno == 0) errno = ENOENT;
    fail("no such user '" + user + "'");
  }
  if (initgroups(pw->pw_name, pw->pw_gid) != 0) fail("cannot set the groups of " + user);
  if (setgid(pw->pw_gid) != 0) fail("cannot change group to " + std::to_string(pw->pw_gid));
  if (setuid(pw->pw_uid) != 0) fail("cannot change user to " + user);
  setenv("HOME", pw->pw_dir, 1);
  setenv("USER", pw->pw_name, 1);
  setenv("LOGNAME", pw->pw_name, 1);
  setenv("SHELL", pw->pw_shell, 1);
  if (go_home && chdir(pw->pw_dir) != 0 && chdir("/") != 0) fail("cannot change directory");
}

// After joining a pid namespace, only a child is inside it: run the command
// there and mirror its end, so the session sees the command's own status.
void forkIntoPidNamespace() {
  pid_t child = fork();
  if (child < 0) fail("cannot fork");
  if (child == 0) return;
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) {
    signal(WTERMSIG(status), SIG_DFL);
    raise(WTERMSIG(status));
  }
  std::exit(WIFEXITED(status) ? WEXITSTATUS(status) : kExitCannotEnter);
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  bool fork_needed = o.pid > 0 && enterProcess(o.pid);
  if (!o.user.empty()) becomeUser(o.user, o.pid == 0 && o.cwd.empty());
  if (!o.cwd.empty() && chdir(o.cwd.c_str()) != 0) fail("cannot change directory to " + o.cwd);
  if (fork_needed) forkIntoPidNamespace();
  execvp(o.command[0], o.command.data());
  fail(std::string("cannot run '") + o.command[0] + "'", errno == ENOENT ? kExitNotFound : kExitCannotEnter);
}
