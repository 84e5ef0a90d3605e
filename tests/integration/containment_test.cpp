// Containment: nothing a client sends reaches a privileged process, and the
// user change of airlock-enter is complete. Each test uses a caller that may
// run sessions only as nobody (a local user on the daemon's Unix socket) or
// root asking for nobody, real processes, and a probe shared object that
// records the uid of every process that loads it.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "command.h"
#include "daemon_process.h"
#include "listening_process.h"
#include "test_files.h"

extern char** environ;

namespace airlock::testing {
namespace {

using namespace std::chrono_literals;

std::string readAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ContainmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    struct stat root {};
    if (getuid() != 0 || stat("/", &root) != 0 || (root.st_mode & S_IXOTH) == 0 ||
        access("/usr/bin/setpriv", X_OK) != 0) {
      GTEST_SKIP() << "needs root, setpriv and a world-searchable /";
    }
    dir_ = openDirWithCopies("airlock-contain", {clientPath(), AIRLOCK_TEST_LOAD_PROBE}).string();
    cli_ = dir_ + "/airlock";
    probe_ = dir_ + "/load_probe.so";
    // Written by processes of any uid.
    probe_out_ = dir_ + "/probe-out";
    std::ofstream(probe_out_).flush();
    chmod(probe_out_.c_str(), 0666);
    unlink(kDefaultProbeOut);
  }
  void TearDown() override {
    daemon_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    unlink(kDefaultProbeOut);
  }

  void startDaemon(const std::string& config_text = "") {
    std::vector<std::string> args = {"--listen", "unix:" + dir_ + "/airlockd.sock"};
    if (!config_text.empty()) {
      std::ofstream(dir_ + "/airlockd.toml") << config_text;
      args.insert(args.end(), {"--config", dir_ + "/airlockd.toml"});
    }
    daemon_ = std::make_unique<DaemonProcess>(args);
    ASSERT_FALSE(daemon_->url().empty());
  }
  CommandResult asNobody(std::vector<std::string> args) {
    std::vector<std::string> argv = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                                     "--clear-groups", cli_, "--url", daemon_->url()};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv, {}, 20s);
  }
  CommandResult asRoot(std::vector<std::string> args) {
    std::vector<std::string> argv = {cli_, "--url", daemon_->url()};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv, {}, 20s);
  }
  // Every line the probe wrote, wherever it wrote it.
  std::string probeLines() const { return readAll(probe_out_) + readAll(kDefaultProbeOut); }

  static constexpr const char* kDefaultProbeOut = "/tmp/airlock-load-probe";
  std::string dir_, cli_, probe_, probe_out_;
  std::unique_ptr<DaemonProcess> daemon_;
};

// LD_PRELOAD, GCONV_PATH and the rest of OPEN's env reach only the final
// exec, after the user change: the root helper starts with PATH alone.
TEST_F(ContainmentTest, TheClientsEnvironmentNeverReachesARootProcess) {
  // The helper behind a wrapper that records the environment it was given.
  std::string wrapper = dir_ + "/enter-wrapper";
  std::string helper_env = dir_ + "/helper-env";
  std::ofstream(wrapper) << "#!/bin/sh\n/usr/bin/env > " << helper_env << "\nexec "
                         << AIRLOCK_TEST_ENTER_HELPER << " \"$@\"\n";
  chmod(wrapper.c_str(), 0755);
  startDaemon("[server]\nenter_helper = \"" + wrapper + "\"\n");
  auto r = asNobody({"exec", "-e", "LD_PRELOAD=" + probe_, "-e", "GCONV_PATH=" + dir_, "-e",
                     "AIRLOCK_PROBE_OUT=" + probe_out_, "host", "--", "sh", "-c",
                     "id -u; echo \"$GCONV_PATH\""});
  EXPECT_EQ(r.exitCode(), 0) << r.err;
  EXPECT_EQ(r.out, "65534\n" + dir_ + "\n");  // The session itself has its env.
  std::string seen = readAll(helper_env);
  EXPECT_NE(seen.find("PATH=/usr/sbin:/usr/bin:/sbin:/bin\n"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("LD_PRELOAD"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("GCONV_PATH"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("AIRLOCK_PROBE_OUT"), std::string::npos) << seen;
  std::string loads = probeLines();
  EXPECT_NE(loads.find("uid=65534 euid=65534"), std::string::npos) << loads;  // The session's.
  EXPECT_EQ(loads.find("uid=0 "), std::string::npos) << loads;
  EXPECT_EQ(loads.find("euid=0 "), std::string::npos) << loads;
}

TEST_F(ContainmentTest, TheSessionHasNoNewPrivsAndNoCapabilities) {
  startDaemon();
  auto r = asNobody({"exec", "host", "--", "cat", "/proc/self/status"});
  ASSERT_EQ(r.exitCode(), 0) << r.err;
  EXPECT_NE(r.out.find("NoNewPrivs:\t1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CapBnd:\t0000000000000000\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CapAmb:\t0000000000000000\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CapEff:\t0000000000000000\n"), std::string::npos) << r.out;
  // And its file descriptors are 0-2 only.
  auto fds = asNobody({"exec", "host", "--", "ls", "/proc/self/fd"});
  EXPECT_EQ(fds.out, "0\n1\n2\n3\n") << fds.out;  // 3: ls's own directory.
}

TEST_F(ContainmentTest, ASetuidRootFileGivesNothing) {
  std::string suid = dir_ + "/id-suid";
  std::filesystem::copy_file("/usr/bin/id", suid);
  chown(suid.c_str(), 0, 0);
  chmod(suid.c_str(), 04755);
  // Without airlock the file does give euid 0 here (no nosuid mount).
  auto direct = runCommand({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            suid, "-u"},
                           {}, 10s);
  if (direct.out != "0\n") GTEST_SKIP() << "setuid files do not work here: " << direct.out;
  startDaemon();
  auto r = asNobody({"exec", "host", "--", suid, "-u"});
  EXPECT_EQ(r.exitCode(), 0) << r.err;
  EXPECT_EQ(r.out, "65534\n");
}

// A process in its own mount namespace whose NSS config names a module
// ("hesiod", here the probe): a root process resolving users inside it
// through NSS would load the module. airlock-enter reads the target's
// /etc/passwd and /etc/group as files instead.
TEST_F(ContainmentTest, ATargetsNssModuleIsNeverLoadedByARootProcess) {
  const char* module = "/lib/x86_64-linux-gnu/libnss_hesiod.so.2";
  if (access(module, F_OK) != 0 || access("/usr/bin/unshare", X_OK) != 0) {
    GTEST_SKIP() << "needs unshare and " << module;
  }
  std::string nsswitch = dir_ + "/nsswitch.conf";
  std::ofstream(nsswitch) << "passwd: hesiod files\ngroup: hesiod files\n";
  std::string script = "mount --bind " + nsswitch + " /etc/nsswitch.conf && mount --bind " +
                       probe_ + " " + module + " && exec sleep 600";
  std::vector<const char*> argv = {"unshare", "--mount", "--propagation", "private",
                                   "sh", "-c", script.c_str(), nullptr};
  pid_t target = -1;
  ASSERT_EQ(posix_spawnp(&target, "unshare", nullptr, nullptr, const_cast<char**>(argv.data()),
                         environ),
            0);
  bool ready = false;
  for (int i = 0; i < 300 && !ready; ++i) {
    std::ifstream in("/proc/" + std::to_string(target) + "/cmdline");
    std::string cmd;
    std::getline(in, cmd, '\0');
    ready = cmd == "sleep";
    if (!ready) std::this_thread::sleep_for(10ms);
  }
  if (!ready) {
    stopProcess(target, SIGKILL, 10s, "unshare'd target with an NSS module");
    GTEST_SKIP() << "private mount namespaces are not available here";
  }
  startDaemon("[[target]]\nid = \"nss-target\"\npid = " + std::to_string(target) + "\n");
  // Root may ask for nobody; the helper resolves nobody in the target.
  auto r = asRoot({"exec", "-u", "nobody", "-e", "AIRLOCK_PROBE_OUT=" + probe_out_, "nss-target",
                   "--", "id", "-un"});
  EXPECT_EQ(r.exitCode(), 0) << r.err;
  EXPECT_EQ(r.out, "nobody\n");
  stopProcess(target, SIGKILL, 10s, "unshare'd target with an NSS module");
  std::string loads = probeLines();
  EXPECT_EQ(loads.find("uid=0 "), std::string::npos) << loads;
  EXPECT_EQ(loads.find("euid=0 "), std::string::npos) << loads;
  // The session's own `id` did use the target's NSS, as nobody.
  EXPECT_NE(loads.find("uid=65534 euid=65534"), std::string::npos) << loads;
}

}  // namespace
}  // namespace airlock::testing
