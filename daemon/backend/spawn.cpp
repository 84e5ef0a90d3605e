#include "backend/spawn.h"
#include "airlock/peer_text.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdlib>

namespace airlock::backend {
namespace {

// Frees the posix_spawn objects and any descriptors on every exit path.
struct SpawnState {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  std::vector<int> parent_fds;
  std::vector<int> child_fds;

  SpawnState() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnState() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    for (int fd : child_fds) close(fd);
    for (int fd : parent_fds) close(fd);
  }
};

Result<void> openPty(const SpawnRequest& request, SpawnState& state, SpawnedProcess& out,
                     std::string& slave_path) {
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) return Error::fromErrno("cannot open a pseudo-terminal");
  state.parent_fds.push_back(master);
  char name[128];
  if (grantpt(master) != 0 || unlockpt(master) != 0 || ptsname_r(master, name, sizeof name) != 0) {
    return Error::fromErrno("cannot prepare the pseudo-terminal");
  }
  slave_path = name;
  winsize size{};
  size.ws_row = request.rows;
  size.ws_col = request.cols;
  ioctl(master, TIOCSWINSZ, &size);
  termios tio{};
  if (tcgetattr(master, &tio) == 0) {
    tio.c_iflag |= IUTF8;  // Line editing erases whole UTF-8 characters.
    tcsetattr(master, TCSANOW, &tio);
  }
  fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
  out.pty_master = master;
  // The child opens the slave after setsid(), which makes it the child's
  // controlling terminal (glibc runs setsid before the file actions).
  posix_spawn_file_actions_addopen(&state.actions, 0, slave_path.c_str(), O_RDWR, 0);
  posix_spawn_file_actions_adddup2(&state.actions, 0, 1);
  posix_spawn_file_actions_adddup2(&state.actions, 0, 2);
  return {};
}

Result<void> openPipes(SpawnState& state, SpawnedProcess& out) {
  std::array<int*, 3> parent_ends = {&out.stdin_fd, &out.stdout_fd, &out.stderr_fd};
  for (int child_fd = 0; child_fd < 3; ++child_fd) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return Error::fromErrno("cannot create a pipe");
    bool child_reads = child_fd == 0;
    int child_end = child_reads ? fds[0] : fds[1];
    int parent_end = child_reads ? fds[1] : fds[0];
    state.child_fds.push_back(child_end);
    state.parent_fds.push_back(parent_end);
    fcntl(parent_end, F_SETFL, fcntl(parent_end, F_GETFL) | O_NONBLOCK);
    *parent_ends[child_fd] = parent_end;
    posix_spawn_file_actions_adddup2(&state.actions, child_end, child_fd);
  }
  return {};
}

std::vector<char*> cStrings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

Result<SpawnedProcess> spawnProcess(const SpawnRequest& request) {
  SpawnState state;
  SpawnedProcess out;
  std::string slave_path;
  auto opened = request.tty ? openPty(request, state, out, slave_path) : openPipes(state, out);
  if (!opened) return opened.error();
  if (!request.cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&state.actions, request.cwd.c_str());
  }
  // Nothing but 0-2 (and fd3) crosses, whatever a library left open.
  if (request.fd3 >= 0) posix_spawn_file_actions_adddup2(&state.actions, request.fd3, 3);
  posix_spawn_file_actions_addclosefrom_np(&state.actions, request.fd3 >= 0 ? 4 : 3);

  sigset_t all;
  sigfillset(&all);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&state.attr, &all);
  posix_spawnattr_setsigmask(&state.attr, &none);
  posix_spawnattr_setflags(&state.attr,
                           POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  auto argv = cStrings(request.argv);
  auto envp = cStrings(request.env);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, request.path.c_str(), &state.actions, &state.attr, argv.data(),
                       envp.data());
  if (rc != 0) return Error::fromErrno("cannot run " + quotePeerText(request.path), rc);
  out.pid = pid;
  state.parent_fds.clear();  // Now owned by the caller.
  return out;
}

Result<std::string> findExecutable(const std::string& name, const std::string& path_var) {
  auto executable = [](const std::string& path) {
    struct stat st{};
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string::npos) {
    if (executable(name)) return name;
    return Error{"cannot run " + quotePeerText(name) + ": no such executable file"};
  }
  size_t start = 0;
  while (start <= path_var.size()) {
    size_t end = path_var.find(':', start);
    if (end == std::string::npos) end = path_var.size();
    std::string dir = path_var.substr(start, end - start);
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (executable(candidate)) return candidate;
    start = end + 1;
  }
  return Error{"cannot run " + quotePeerText(name) + ": command not found in PATH"};
}

}  // namespace airlock::backend
