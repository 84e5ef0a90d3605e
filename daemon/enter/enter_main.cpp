// airlock-enter: started by airlockd (posix_spawn, already in the session's
// new session and on its terminal) when a session must join another
// process's namespaces, root and cwd, or run as another user. Usage:
//   airlock-enter --env-fd 3 [--pid N] [--user NAME] [--cwd DIR] -- PROGRAM [ARGS...]
// It starts as root with a fixed environment of its own (PATH only); the
// session's environment, which comes from the client, is read from
// --env-fd and applied only to the final exec, after the privilege drop.
// In order, like a container runtime entering a container:
//   1. read the session environment (fd 3), then close it;
//   2. resolve the user: on the host through the host's NSS; in a target
//      (--pid) from the target's own /etc/passwd and /etc/group read as files
//      (openat2 RESOLVE_IN_ROOT), never through the target's NSS;
//   3. join the target's user namespace (if it has its own), then its
//      cgroup, ipc, uts, net, pid and mount namespaces and its root;
//   4. for a non-root user: clear the capability bounding and ambient sets;
//      then setgroups, setgid, setuid (checked: no way back to uid 0);
//   5. PR_SET_NO_NEW_PRIVS (setuid files give nothing), cwd, close every
//      fd above 2, the session environment, exec.
// On failure it prints one line to stderr (the session's output) and exits
// 126 (cannot enter / cannot change user) or 127 (command not found).
#include <fcntl.h>
#include <grp.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <optional>
#include <vector>

#include "enter/account_files.h"

extern char** environ;

namespace {

using airlock::enter::Account;

constexpr int kExitCannotEnter = 126;
constexpr int kExitNotFound = 127;
// The session environment is at most 64 KiB of OPEN env plus the defaults.
constexpr size_t kMaxEnvBytes = 256 * 1024;
// A target's /etc/passwd or /etc/group larger than this is refused.
constexpr size_t kMaxAccountFileBytes = 4 * 1024 * 1024;

[[noreturn]] void fail(const std::string& what, int code = kExitCannotEnter) {
  if (errno != 0) {
    std::fprintf(stderr, "airlock-enter: %s: %s\r\n", what.c_str(), std::strerror(errno));
  } else {
    std::fprintf(stderr, "airlock-enter: %s\r\n", what.c_str());
  }
  std::exit(code);
}

struct Options {
  int env_fd = -1;
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
    if (arg == "--env-fd") o.env_fd = std::atoi(argv[++i]);
    else if (arg == "--pid") o.pid = std::atoi(argv[++i]);
    else if (arg == "--user") o.user = argv[++i];
    else if (arg == "--cwd") o.cwd = argv[++i];
    else break;
  }
  for (; i < argc; ++i) o.command.push_back(argv[i]);
  o.command.push_back(nullptr);
  if (o.command.size() < 2) {
    std::fprintf(stderr, "usage: airlock-enter --env-fd N [--pid N] [--user NAME] [--cwd DIR] -- CMD...\n");
    std::exit(2);
  }
  return o;
}

// Reads at most `limit` bytes of `fd` (a regular file: never a FIFO that
// could hold us); nullopt if it is not one or is larger.
std::optional<std::string> readSmallFile(int fd, size_t limit) {
  struct stat st{};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || static_cast<size_t>(st.st_size) > limit) {
    return std::nullopt;
  }
  std::string text;
  char buf[8192];
  while (text.size() <= limit) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) return text;
    text.append(buf, static_cast<size_t>(n));
  }
  return std::nullopt;
}

// The session environment: NUL-terminated "NAME=value" entries.
std::vector<std::string> readEnvironment(int fd) {
  std::vector<std::string> env;
  if (fd < 0) return env;
  auto block = readSmallFile(fd, kMaxEnvBytes);
  close(fd);
  if (!block) fail("cannot read the session environment");
  size_t start = 0;
  while (start < block->size()) {
    size_t end = block->find('\0', start);
    if (end == std::string::npos) end = block->size();
    std::string entry = block->substr(start, end - start);
    if (entry.find('=') != std::string::npos && entry.front() != '=') env.push_back(entry);
    start = end + 1;
  }
  return env;
}

// A file of the target's root, resolved inside that root (symlinks too).
std::string readTargetFile(int root_fd, const char* path) {
  open_how how{};
  how.flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  int fd = static_cast<int>(syscall(SYS_openat2, root_fd, path, &how, sizeof how));
  if (fd < 0) {
    if (errno == ENOENT) return {};
    fail(std::string("cannot read the target's ") + path);
  }
  auto text = readSmallFile(fd, kMaxAccountFileBytes);
  close(fd);
  if (!text) {
    errno = 0;
    fail(std::string("the target's ") + path + " is not a regular file of at most 4 MiB");
  }
  return *text;
}

// `user` inside the target process `pid`, from its files.
Account targetAccount(int pid, const std::string& user) {
  std::string root_path = "/proc/" + std::to_string(pid) + "/root";
  int root = open(root_path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) fail("cannot open the root of process " + std::to_string(pid));
  std::string passwd = readTargetFile(root, "etc/passwd");
  std::string group = readTargetFile(root, "etc/group");
  close(root);
  auto account = airlock::enter::findAccount(passwd, group, user);
  errno = 0;
  if (!account) fail("no such user '" + user + "' in the target's /etc/passwd");
  return *account;
}

// `user` on the host, through the host's own NSS (trusted: it is the host's).
Account hostAccount(const std::string& user) {
  errno = 0;
  passwd* pw = getpwnam(user.c_str());
  if (pw == nullptr) {
    errno = 0;
    fail("no such user '" + user + "'");
  }
  Account account{pw->pw_name, pw->pw_uid, pw->pw_gid, pw->pw_dir, pw->pw_shell, {}};
  int n = static_cast<int>(airlock::enter::kMaxGroups);
  std::vector<gid_t> groups(airlock::enter::kMaxGroups);
  if (getgrouplist(pw->pw_name, pw->pw_gid, groups.data(), &n) < 0) n = static_cast<int>(groups.size());
  groups.resize(static_cast<size_t>(n));
  account.groups = groups;
  return account;
}

bool sameNamespace(const std::string& a, const std::string& b) {
  char x[64] = {}, y[64] = {};
  return readlink(a.c_str(), x, sizeof x - 1) > 0 && readlink(b.c_str(), y, sizeof y - 1) > 0 &&
         std::strcmp(x, y) == 0;
}

// Joins every namespace of `pid` and its root; returns true if the pid
// namespace changed (which only applies to children, so we must fork).
bool enterProcess(int pid) {
  std::string base = "/proc/" + std::to_string(pid);
  int root = open((base + "/root").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int cwd = open((base + "/cwd").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root < 0 || cwd < 0) fail("cannot open the root of process " + std::to_string(pid));
  bool new_pid_ns = false;
  // The user namespace first (the others belong to it), the mount
  // namespace last: after it, /proc paths may mean another tree.
  const char* kinds[] = {"user", "cgroup", "ipc", "uts", "net", "pid", "mnt"};
  for (const char* kind : kinds) {
    std::string path = base + "/ns/" + kind;
    if (sameNamespace(path, std::string("/proc/self/ns/") + kind)) {
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

int lastCapability() {
  FILE* f = std::fopen("/proc/sys/kernel/cap_last_cap", "r");
  int last = 40;  // CAP_CHECKPOINT_RESTORE, Linux 5.9.
  if (f != nullptr) {
    if (std::fscanf(f, "%d", &last) != 1) last = 40;
    std::fclose(f);
  }
  return last;
}

// Becomes `account` for good. For a non-root account no capability can come
// back: the bounding and ambient sets are cleared while we still may.
void becomeUser(const Account& account) {
  if (account.uid != 0) {
    for (int cap = 0; cap <= lastCapability(); ++cap) {
      if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
        fail("cannot clear the capability bounding set");
      }
    }
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  }
  if (setgroups(account.groups.size(), account.groups.data()) != 0) fail("cannot set the groups of " + account.name);
  if (setgid(account.gid) != 0) fail("cannot change group to " + std::to_string(account.gid));
  if (setuid(account.uid) != 0) fail("cannot change user to " + account.name);
  if (getuid() != account.uid || geteuid() != account.uid || getgid() != account.gid ||
      getegid() != account.gid) {
    errno = 0;
    fail("the user change to " + account.name + " did not take");
  }
  if (account.uid != 0 && setuid(0) == 0) {
    errno = 0;
    fail("uid 0 could be regained after the user change");
  }
}

// The session's environment, with the account's own HOME, USER, LOGNAME
// and SHELL, becomes ours (execvp searches its PATH).
void applyEnvironment(std::vector<std::string>& env, const Account* account) {
  clearenv();
  for (auto& entry : env) putenv(entry.data());
  if (account != nullptr) {
    setenv("HOME", account->home.c_str(), 1);
    setenv("USER", account->name.c_str(), 1);
    setenv("LOGNAME", account->name.c_str(), 1);
    setenv("SHELL", account->shell.c_str(), 1);
  }
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
  std::vector<std::string> env = readEnvironment(o.env_fd);
  std::optional<Account> account;
  if (!o.user.empty()) account = o.pid > 0 ? targetAccount(o.pid, o.user) : hostAccount(o.user);
  bool fork_needed = o.pid > 0 && enterProcess(o.pid);
  if (account) becomeUser(*account);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("cannot set no_new_privs");
  bool go_home = account && o.pid == 0 && o.cwd.empty();
  if (go_home && chdir(account->home.c_str()) != 0 && chdir("/") != 0) fail("cannot change directory");
  if (!o.cwd.empty() && chdir(o.cwd.c_str()) != 0) fail("cannot change directory to " + o.cwd);
  // Nothing of ours crosses into the session.
  if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0) fail("cannot close inherited descriptors");
  applyEnvironment(env, account ? &*account : nullptr);
  if (fork_needed) forkIntoPidNamespace();
  execvp(o.command[0], o.command.data());
  fail(std::string("cannot run '") + o.command[0] + "'", errno == ENOENT ? kExitNotFound : kExitCannotEnter);
}
