#include "private_journald.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "command.h"

extern char** environ;

namespace airlock::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kJournalDir = "/run/systemd/journal";
constexpr const char* kRuntimeJournal = "/run/log/journal";
constexpr const char* kScratch = "/run/airlock-journald-test";
constexpr const char* kConf = "/etc/systemd/journald.conf";

// Deterministic, whatever the host's configuration says.
constexpr const char* kJournaldConf = R"([Journal]
Storage=volatile
ReadKMsg=no
ForwardToSyslog=no
ForwardToKMsg=no
ForwardToConsole=no
ForwardToWall=no
MaxLevelStore=debug
RateLimitIntervalSec=0
)";

bool exists(const char* path) { return access(path, F_OK) == 0; }

std::string firstExisting(std::initializer_list<const char*> paths) {
  for (const char* p : paths) {
    if (access(p, X_OK) == 0) return p;
  }
  return "";
}

std::string journaldPath() {
  return firstExisting({"/lib/systemd/systemd-journald", "/usr/lib/systemd/systemd-journald"});
}
std::string journalctlPath() { return firstExisting({"/usr/bin/journalctl", "/bin/journalctl"}); }

std::string errnoText(const std::string& what) { return what + ": " + std::strerror(errno); }

bool writeFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return static_cast<bool>(out.flush());
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string mountTmpfs(const char* where, unsigned long flags = 0) {
  if (mount("tmpfs", where, "tmpfs", MS_NOSUID | MS_NODEV | flags, "mode=0755") != 0) {
    return errnoText(std::string("mount tmpfs on ") + where);
  }
  return "";
}

std::string bindFile(const std::string& from, const char* over) {
  if (mount(from.c_str(), over, nullptr, MS_BIND, nullptr) != 0) {
    return errnoText(std::string("bind-mount over ") + over);
  }
  return "";
}

// The whole of it happens in this thread's new mount namespace, after
// propagation was made private: were that refused, nothing else is mounted.
std::string enterPrivateMountNamespace() {
  if (unshare(CLONE_NEWNS) != 0) return errnoText("unshare(CLONE_NEWNS) not permitted");
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return errnoText("making / private in the new mount namespace");
  }
  return "";
}

bool validMachineId(const std::string& text) {
  if (text.size() < 32) return false;
  for (size_t i = 0; i < 32; ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return text.size() == 32 || text[32] == '\n';
}

// journald needs /etc/machine-id; an empty one (containers) gets a made-up
// one, bound over it in this namespace only.
std::string ensureMachineId() {
  if (!exists("/etc/machine-id")) return "no /etc/machine-id (journald needs one)";
  if (validMachineId(readFile("/etc/machine-id"))) return "";
  std::string ours = std::string(kScratch) + "/machine-id";
  if (!writeFile(ours, "0123456789abcdef0123456789abcdef\n")) return errnoText("write " + ours);
  return bindFile(ours, "/etc/machine-id");
}

std::string prepareFilesystem() {
  if (auto r = mountTmpfs("/run"); !r.empty()) return r;
  for (const char* dir : {kJournalDir, kRuntimeJournal, kScratch}) {
    std::string path = dir;
    for (size_t at = path.find('/', 1); at != std::string::npos; at = path.find('/', at + 1)) {
      mkdir(path.substr(0, at).c_str(), 0755);
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) return errnoText(std::string("mkdir ") + dir);
  }
  if (!exists(kConf)) return std::string("no ") + kConf + " (is the systemd package installed?)";
  std::string conf = std::string(kScratch) + "/journald.conf";
  if (!writeFile(conf, kJournaldConf)) return errnoText("write " + conf);
  if (auto r = bindFile(conf, kConf); !r.empty()) return r;
  // Drop-ins would override the file; a persistent journal must not land
  // in the host's /var/log/journal even if one did.
  for (const char* dir : {"/etc/systemd/journald.conf.d", "/usr/lib/systemd/journald.conf.d",
                          "/lib/systemd/journald.conf.d", "/usr/local/lib/systemd/journald.conf.d",
                          "/var/log/journal"}) {
    if (!exists(dir)) continue;
    if (auto r = mountTmpfs(dir); !r.empty()) return r;
  }
  return ensureMachineId();
}

// Once per process: the namespace outlives every PrivateJournald.
const std::string& namespaceSkipReason() {
  static const std::string reason = [] {
    if (geteuid() != 0) return std::string("needs root (a mount namespace and mounts)");
    if (journaldPath().empty()) return std::string("no systemd-journald binary");
    if (journalctlPath().empty()) return std::string("no journalctl");
    if (auto r = enterPrivateMountNamespace(); !r.empty()) return r;
    return prepareFilesystem();
  }();
  return reason;
}

void addValues(std::vector<std::string>& out, const nlohmann::json& v) {
  if (v.is_string()) {
    out.push_back(v.get<std::string>());
  } else if (v.is_array() && (v.empty() || v.front().is_number())) {
    std::string bytes;
    for (const auto& b : v) bytes.push_back(static_cast<char>(b.get<int>()));
    out.push_back(bytes);
  } else if (v.is_array()) {
    for (const auto& each : v) addValues(out, each);
  } else {
    out.push_back(v.dump());
  }
}

}  // namespace

std::string JournalEntry::get(const std::string& name) const {
  auto it = fields.find(name);
  return it == fields.end() || it->second.empty() ? "" : it->second.front();
}

PrivateJournald::PrivateJournald() {
  skip_reason_ = namespaceSkipReason();
  if (!skip_reason_.empty()) return;
  if (std::string failed = start(); !failed.empty()) {
    ADD_FAILURE() << "systemd-journald did not start in the private namespace: " << failed
                  << "\njournald said:\n"
                  << journaldLog();
    skip_reason_ = failed;
  }
}

PrivateJournald::~PrivateJournald() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    bool gone = false;
    for (int i = 0; i < 250 && !gone; ++i) {
      gone = waitpid(pid_, nullptr, WNOHANG) == pid_;
      if (!gone) std::this_thread::sleep_for(20ms);
    }
    if (!gone) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  if (!log_path_.empty()) unlink(log_path_.c_str());
}

std::string PrivateJournald::start() {
  // Sockets of an earlier journald of this process would look ready.
  for (const char* name : {"socket", "stdout", "io.systemd.journal", "dev-log"}) {
    unlink((std::string(kJournalDir) + "/" + name).c_str());
  }
  log_path_ = std::string(kScratch) + "/journald." + std::to_string(getpid()) + ".log";
  int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (log_fd < 0 || null_fd < 0) return errnoText("open " + log_path_);
  std::string binary = journaldPath();
  std::vector<std::string> env_strings = {"SYSTEMD_LOG_TARGET=console", "SYSTEMD_LOG_LEVEL=info"};
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "SYSTEMD_", 8) != 0 && std::strncmp(*e, "NOTIFY_SOCKET=", 14) != 0) {
      envp.push_back(*e);
    }
  }
  envp.push_back(nullptr);
  char* argv[] = {binary.data(), nullptr};
  pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) {
    // Dies with the test process, whatever happens to it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(null_fd, 0);
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    execve(argv[0], argv, envp.data());
    _exit(127);
  }
  close(log_fd);
  close(null_fd);
  if (pid_ < 0) return errnoText("fork");
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return "it exited";
    }
    if (exists("/run/systemd/journal/socket") && exists("/run/systemd/journal/stdout") &&
        exists("/run/systemd/journal/io.systemd.journal")) {
      return "";
    }
    std::this_thread::sleep_for(20ms);
  }
  return "its sockets did not appear within 10 s";
}

int PrivateJournald::openStream(const std::string& identifier) const {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s/stdout", kJournalDir);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ADD_FAILURE() << errnoText("connect to journald's stdout socket");
    if (fd >= 0) close(fd);
    return -1;
  }
  // identifier, unit id, priority, level prefix, forward to syslog, kmsg,
  // console (journald's stream protocol; what systemd sends for a unit).
  std::string header = identifier + "\n\n6\n1\n0\n0\n0\n";
  if (write(fd, header.data(), header.size()) != static_cast<ssize_t>(header.size())) {
    ADD_FAILURE() << errnoText("write the stream header");
  }
  shutdown(fd, SHUT_RD);
  return fd;
}

std::string PrivateJournald::journalStreamOf(int fd) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return "";
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

std::vector<JournalEntry> PrivateJournald::entries(const std::vector<std::string>& matches) const {
  std::vector<JournalEntry> out;
  auto sync = runCommand({journalctlPath(), "--sync"}, "", 10s);
  EXPECT_EQ(sync.exitCode(), 0) << "journalctl --sync: " << sync.err;
  std::vector<std::string> argv = {journalctlPath(), std::string("--directory=") + kRuntimeJournal,
                                   "--output=json", "--all", "--no-pager", "--quiet"};
  argv.insert(argv.end(), matches.begin(), matches.end());
  auto read = runCommand(argv, "", 20s);
  EXPECT_EQ(read.exitCode(), 0) << "journalctl: " << read.err;
  std::istringstream lines(read.out);
  for (std::string line; std::getline(lines, line);) {
    auto json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object()) continue;
    JournalEntry entry;
    for (const auto& [name, value] : json.items()) addValues(entry.fields[name], value);
    out.push_back(std::move(entry));
  }
  return out;
}

std::string PrivateJournald::journaldLog() const { return readFile(log_path_); }

}  // namespace airlock::testing
