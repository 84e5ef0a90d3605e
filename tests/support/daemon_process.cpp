#include "daemon_process.h"

#include "listening_process.h"

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

namespace {

bool fileHasAuthSection(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("[auth]", 0) == 0) return true;
  }
  return false;
}

}  // namespace

DaemonProcess::DaemonProcess(std::vector<std::string> extra_args) {
  char tmpl[] = "/tmp/airlockd-stderr-XXXXXX";
  int err_fd = mkstemp(tmpl);
  stderr_path_ = tmpl;
  std::vector<std::string> args = {daemonPath()};
  bool listens = false;
  bool unix_socket = false;
  bool has_auth = false;
  bool insecure = false;
  for (size_t i = 0; i < extra_args.size(); ++i) {
    const std::string& arg = extra_args[i];
    bool has_value = i + 1 < extra_args.size();
    if (arg == "--recordings" && has_value) recordings_dir_ = extra_args[i + 1];
    if (arg == "--listen" && has_value) {
      listens = true;
      unix_socket = extra_args[i + 1].rfind("unix:", 0) == 0;
    }
    if (arg == "--config" && has_value) has_auth = has_auth || fileHasAuthSection(extra_args[i + 1]);
    if (arg == "-o" && has_value) {
      const std::string& o = extra_args[i + 1];
      has_auth = has_auth || o.rfind("auth.", 0) == 0;
      if (o.rfind("server.listen=", 0) == 0) {
        listens = true;
        unix_socket = o.find("unix:") != std::string::npos;
      }
    }
    if (arg == "--insecure-no-auth") insecure = true;
  }
  if (!listens) args.insert(args.end(), {"--listen", "127.0.0.1:0"});
  if (!unix_socket && !has_auth && !insecure) args.push_back("--insecure-no-auth");
  if (recordings_dir_.empty()) {
    char dir[] = "/tmp/airlock-recordings-XXXXXX";
    recordings_dir_ = mkdtemp(dir);
    owns_recordings_dir_ = true;
    args.insert(args.end(), {"--recordings", recordings_dir_});
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  Started started = startListening(args, err_fd);
  close(err_fd);
  pid_ = started.pid;
  url_ = started.url;
  if (pid_ > 0 && url_.empty()) {
    ADD_FAILURE() << "airlockd did not report its address; stdout: '" << started.first_line
                  << "' stderr: " << stderrText();
  }
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
  int status = stopProcess(pid_, signum, std::chrono::seconds(20), "airlockd");
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
