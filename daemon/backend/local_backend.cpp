#include "backend/local_backend.h"
#include "airlock/peer_text.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include <climits>
#include <filesystem>

#include "backend/local_process.h"
#include "backend/spawn.h"

namespace airlock::backend {
namespace {

constexpr char kDefaultPath[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
constexpr char kDefaultTerm[] = "xterm-256color";
// airlock-enter's own PATH (it runs as root before the drop): nothing else.
constexpr char kHelperPath[] = "/usr/sbin:/usr/bin:/sbin:/bin";

// The environment as NUL-terminated "NAME=value" entries in a sealed memfd,
// read from its start by airlock-enter.
Result<int> environmentFile(const std::vector<std::string>& env) {
  int fd = memfd_create("airlock-session-env", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return Error::fromErrno("cannot pass the session environment");
  std::string block;
  for (const auto& entry : env) block.append(entry).push_back('\0');
  size_t written = 0;
  while (written < block.size()) {
    ssize_t n = write(fd, block.data() + written, block.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      close(fd);
      return Error::fromErrno("cannot pass the session environment", err);
    }
    written += static_cast<size_t>(n);
  }
  fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
  lseek(fd, 0, SEEK_SET);
  return fd;
}

std::string helperBesideSelf() {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "airlock-enter";
  self[n] = '\0';
  return (std::filesystem::path(self).parent_path() / "airlock-enter").string();
}

}  // namespace

LocalBackend::LocalBackend(uv_loop_t* loop, ChildReaper& reaper, const config::Config& config)
    : loop_(loop),
      reaper_(reaper),
      killer_(loop, config.limits.kill_grace_ms),
      exit_drain_ms_(config.limits.exit_drain_ms),
      enter_helper_(config.enter_helper.empty() ? helperBesideSelf() : config.enter_helper) {
  if (passwd* pw = getpwuid(geteuid())) daemon_user_ = pw->pw_name;
  for (const auto& target : config.targets) targets_[target.id] = target;
}

Result<TargetInfo> LocalBackend::resolveTarget(const std::string& target) {
  if (target == "host") return TargetInfo{"host", "", {}, daemon_user_};
  auto it = targets_.find(target);
  if (it == targets_.end()) return Error{"unknown target " + quotePeerText(target), kUnknownTarget};
  const auto& t = it->second;
  return TargetInfo{t.id, t.app_id, t.labels, t.user.empty() ? daemon_user_ : t.user};
}

Result<LocalBackend::Account> LocalBackend::lookupAccount(const std::string& user) const {
  // getpwnam_r may read /etc/passwd (or NSS); it is local and small.
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) {
    return Error{"no such user " + quotePeerText(user) + " on this host"};
  }
  return Account{pw.pw_name, pw.pw_dir, pw.pw_shell};
}

std::vector<std::string> LocalBackend::buildEnv(const SessionSpec& spec,
                                                const Account& account) const {
  std::map<std::string, std::string> env = {
      {"PATH", kDefaultPath}, {"HOME", account.home},   {"USER", account.name},
      {"LOGNAME", account.name}, {"SHELL", account.shell}, {"AIRLOCK_TARGET", spec.target},
  };
  if (spec.tty) env["TERM"] = kDefaultTerm;
  for (const auto& [name, value] : spec.env) env[name] = value;
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [name, value] : env) out.push_back(name + "=" + value);
  return out;
}

Result<std::unique_ptr<Process>> LocalBackend::start(const SessionSpec& spec,
                                                     ProcessObserver& observer) {
  auto target = resolveTarget(spec.target);
  if (!target) return target.error();
  const config::TargetConfig* declared = nullptr;
  if (auto it = targets_.find(spec.target); it != targets_.end()) declared = &it->second;

  std::string user = spec.user.empty() ? target->user : spec.user;
  bool joins_process = declared != nullptr && declared->pid.has_value();
  bool changes_user = !user.empty() && user != daemon_user_;

  SpawnRequest request;
  request.tty = spec.tty;
  request.rows = spec.rows;
  request.cols = spec.cols;
  std::string cwd = !spec.cwd.empty() ? spec.cwd : (declared ? declared->cwd : std::string());

  int env_fd = -1;
  if (joins_process || changes_user) {
    // The helper starts as root with a fixed environment of its own; the
    // session's (the client's) reaches it on fd 3 and is applied only to
    // the final exec, after it dropped privileges (airlock-enter.cpp).
    auto env_block = environmentFile(buildEnv(spec, Account{user, "/", "/bin/sh"}));
    if (!env_block) return env_block.error();
    env_fd = *env_block;
    request.path = enter_helper_;
    request.argv = {"airlock-enter", "--env-fd", "3"};
    if (joins_process) request.argv.insert(request.argv.end(), {"--pid", std::to_string(*declared->pid)});
    if (changes_user) request.argv.insert(request.argv.end(), {"--user", user});
    if (!cwd.empty()) request.argv.insert(request.argv.end(), {"--cwd", cwd});
    request.argv.push_back("--");
    request.argv.insert(request.argv.end(), spec.argv.begin(), spec.argv.end());
    request.env = {std::string("PATH=") + kHelperPath};
    request.fd3 = env_fd;
  } else {
    auto account = lookupAccount(user);
    if (!account) return account.error();
    request.env = buildEnv(spec, *account);
    std::string path_var = kDefaultPath;
    if (auto it = spec.env.find("PATH"); it != spec.env.end()) path_var = it->second;
    auto path = findExecutable(spec.argv[0], path_var);
    if (!path) return path.error();
    request.path = *path;
    request.argv = spec.argv;
    request.cwd = !cwd.empty() ? cwd
                  : std::filesystem::is_directory(account->home) ? account->home
                                                                 : std::string("/");
  }

  auto spawned = spawnProcess(request);
  if (env_fd >= 0) close(env_fd);
  if (!spawned) return spawned.error();
  auto process =
      std::make_unique<LocalProcess>(loop_, reaper_, killer_, observer, exit_drain_ms_);
  process->attach(*spawned, spec.tty);
  return std::unique_ptr<Process>(std::move(process));
}

}  // namespace airlock::backend
