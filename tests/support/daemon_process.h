// DaemonProcess: a real airlockd started by a test, on 127.0.0.1 port 0
// unless `extra_args` names --listen (e.g. a Unix socket). Reads the
// "listening on ..." line, keeps stderr in a file, and stops the daemon with
// a signal, returning its exit status. Test thread only.
// A TCP daemon without [auth] is started with --insecure-no-auth, as an
// operator would have to; one whose --config has an [auth] section (or that
// gets -o auth.*) is started without it, so its TCP callers need tokens.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace airlock::testing {

class DaemonProcess {
 public:
  // Starts `airlockd --listen 127.0.0.1:0 <extra...>`; fails the test if it
  // does not print its address within 10 s.
  // Unless `extra_args` names `--recordings`, the daemon records into a fresh
  // temporary directory (removed with this object).
  explicit DaemonProcess(std::vector<std::string> extra_args = {});
  ~DaemonProcess();

  // "ws://127.0.0.1:PORT/" or "unix:/PATH", as the daemon printed it.
  const std::string& url() const { return url_; }
  const std::string& recordingsDir() const { return recordings_dir_; }
  // The public key that verifies this daemon's recordings.
  std::string recordingKeyPath() const { return recordings_dir_ + "/.keys/signing.pub.pem"; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  // Sends `signum` and waits (bounded) for the exit; returns the wait status.
  int stop(int signum);
  std::string stderrText() const;
  // Resident set size of the daemon, KiB (VmRSS).
  long rssKiB() const;

 private:
  pid_t pid_ = -1;
  std::string url_;
  std::string stderr_path_;
  std::string recordings_dir_;
  bool owns_recordings_dir_ = false;
};

// Where the binaries under test are (set by CMake).
std::string daemonPath();
std::string clientPath();
std::string replayPath();

}  // namespace airlock::testing
