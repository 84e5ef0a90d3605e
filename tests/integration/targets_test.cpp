// Targets declared in the config: another user, and another process's
// namespaces, root and working directory (through airlock-enter).
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>
#include <string>
#include <thread>

#include "command.h"
#include "daemon_process.h"
#include "listening_process.h"
#include "session_client.h"

extern char** environ;

namespace airlock::testing {
namespace {

using namespace std::chrono_literals;

// Whether "/" is a mount point (it is not in a chroot made from a plain
// directory, where a private mount namespace cannot be set up).
bool rootIsMountPoint() {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, mount_point;
    fields >> id >> parent >> dev >> root >> mount_point;
    if (mount_point == "/") return true;
  }
  return false;
}

// A process in its own UTS namespace (and, where possible, mount namespace
// with a tmpfs on /mnt that only it can see), sitting in `cwd`.
class NamespacedProcess {
 public:
  NamespacedProcess(const std::string& hostname, const std::string& cwd, bool with_mount) {
    std::string script = (with_mount ? "mount -t tmpfs airlock-test /mnt && echo inside > /mnt/marker && " : "") +
                         std::string("hostname ") + hostname + " && cd " + cwd + " && exec sleep 600";
    std::vector<const char*> argv = {"unshare", "--uts"};
    if (with_mount) argv.insert(argv.end(), {"--mount", "--propagation", "private"});
    argv.insert(argv.end(), {"sh", "-c", script.c_str(), nullptr});
    posix_spawnp(&pid_, "unshare", nullptr, nullptr, const_cast<char**>(argv.data()), environ);
    // Ready once the hostname inside differs from ours.
    for (int i = 0; i < 200; ++i) {
      std::ifstream in("/proc/" + std::to_string(pid_) + "/cmdline");
      std::string cmd;
      std::getline(in, cmd, '\0');
      if (cmd == "sleep") break;
      std::this_thread::sleep_for(10ms);
    }
  }
  ~NamespacedProcess() {
    if (pid_ > 0) airlock::testing::stopProcess(pid_, SIGKILL, 10s, "unshare'd target process");
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

class TargetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (getuid() != 0) GTEST_SKIP() << "joining namespaces and changing user need root";
    struct stat root {};
    if (stat("/", &root) != 0 || (root.st_mode & S_IXOTH) == 0) {
      GTEST_SKIP() << "/ is not searchable by other users here (a chroot made from a private directory)";
    }
    with_mount_ = rootIsMountPoint();
    cwd_ = "/tmp/airlock-target-" + std::to_string(getpid());
    mkdir(cwd_.c_str(), 0755);
    process_ = std::make_unique<NamespacedProcess>("airlock-ns-test", cwd_, with_mount_);
    config_ = cwd_ + ".toml";
    std::ofstream(config_) << "[[target]]\nid = \"as-nobody\"\nuser = \"nobody\"\n\n"
                           << "[[target]]\nid = \"inside\"\napp_id = \"/test/inside\"\npid = "
                           << process_->pid() << "\n";
    daemon_ = std::make_unique<DaemonProcess>(std::vector<std::string>{"--config", config_});
  }
  void TearDown() override {
    daemon_.reset();
    process_.reset();
    unlink(config_.c_str());
    rmdir(cwd_.c_str());
  }
  std::string cwd_, config_;
  bool with_mount_ = false;
  std::unique_ptr<NamespacedProcess> process_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(TargetsTest, TargetUserIsTheDefaultUser) {
  SessionClient client(daemon_->url());
  ChannelRecord& r = client.open(makeOpen({"sh", "-c", "id -un; echo $HOME"}, false, "as-nobody"));
  ASSERT_TRUE(client.run([&] { return r.done(); }, 10s));
  ASSERT_TRUE(r.exit.has_value()) << (r.error ? r.error->message : "");
  EXPECT_EQ(r.out, "nobody\n/nonexistent\n") << r.err;
}

TEST_F(TargetsTest, PidTargetJoinsNamespacesRootAndCwd) {
  SessionClient client(daemon_->url());
  std::string marker = with_mount_ ? "cat /mnt/marker; " : "echo inside; ";
  ChannelRecord& r = client.open(makeOpen({"sh", "-c", "hostname; " + marker + "pwd"}, true, "inside"));
  ASSERT_TRUE(client.run([&] { return r.done(); }, 10s));
  ASSERT_TRUE(r.exit.has_value()) << (r.error ? r.error->message : "");
  EXPECT_EQ(r.exit->exit_code(), 0) << r.out;
  EXPECT_EQ(r.out, "airlock-ns-test\r\ninside\r\n" + cwd_ + "\r\n");
  char host[256] = {};
  gethostname(host, sizeof host);
  EXPECT_NE(std::string(host), "airlock-ns-test");  // Only the session moved.
}

TEST_F(TargetsTest, PidTargetWithAnotherUser) {
  SessionClient client(daemon_->url());
  auto open = makeOpen({"sh", "-c", "id -un; hostname"}, false, "inside");
  open.set_user("nobody");
  ChannelRecord& r = client.open(open);
  ASSERT_TRUE(client.run([&] { return r.done(); }, 10s));
  ASSERT_TRUE(r.exit.has_value());
  EXPECT_EQ(r.out, "nobody\nairlock-ns-test\n") << r.err;
}

TEST_F(TargetsTest, FailingToEnterIsReportedInTheSession) {
  SessionClient client(daemon_->url());
  auto open = makeOpen({"true"}, false, "as-nobody");
  open.set_user("no-such-user-xyz");
  ChannelRecord& r = client.open(open);
  ASSERT_TRUE(client.run([&] { return r.done(); }, 10s));
  ASSERT_TRUE(r.exit.has_value());
  EXPECT_EQ(r.exit->exit_code(), 126);
  EXPECT_NE(r.err.find("no such user 'no-such-user-xyz'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace airlock::testing
