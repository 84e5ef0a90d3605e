// Safe by default on the agent: airlockd listens on a Unix socket and knows
// each local caller by SO_PEERCRED. Root may do everything; another user
// runs sessions as itself and sees only its own sessions; a TCP listener
// without [auth] is refused; a browser Origin that was not allowed is
// refused. The real daemon and CLI, a real unprivileged user (nobody) by
// setpriv.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "command.h"
#include "daemon_process.h"
#include "session_client.h"
#include "test_files.h"

namespace airlock::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kNobody = "65534";

// A 0755 directory with the socket and a copy of the CLI that nobody may run
// (the build tree may not be reachable for other users).
class LocalAccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = openDirWithCopies("airlock-local", {clientPath()}).string();
    socket_ = dir_ + "/airlockd.sock";
    cli_ = dir_ + "/airlock";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string url() const { return "unix:" + socket_; }
  // The CLI as root.
  CommandResult asRoot(std::vector<std::string> args) {
    std::vector<std::string> argv = {cli_, "--url", url()};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv, {}, 20s);
  }
  // The CLI as nobody, with no supplementary groups.
  CommandResult asNobody(std::vector<std::string> args) {
    std::vector<std::string> argv = {"/usr/bin/setpriv", std::string("--reuid=") + kNobody,
                                     std::string("--regid=") + kNobody, "--clear-groups",
                                     cli_, "--url", url()};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv, {}, 20s);
  }

  std::string dir_;
  std::string socket_;
  std::string cli_;
};

bool canRunAsNobody() {
  struct stat root {};
  return getuid() == 0 && stat("/", &root) == 0 && (root.st_mode & S_IXOTH) != 0 &&
         access("/usr/bin/setpriv", X_OK) == 0;
}

TEST_F(LocalAccessTest, RootOnTheSocketRunsAnythingAndTheSocketIsOpenToAllAndRemovedAtStop) {
  if (getuid() != 0) GTEST_SKIP() << "needs root";
  DaemonProcess daemon({"--listen", url()});
  ASSERT_EQ(daemon.url(), url()) << daemon.stderrText();
  struct stat st {};
  ASSERT_EQ(stat(socket_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0666u);  // SO_PEERCRED, not the mode, decides.
  auto r = asRoot({"exec", "host", "--", "id", "-u"});
  EXPECT_EQ(r.exitCode(), 0) << r.err;
  EXPECT_EQ(r.out, "0\n");
  auto other = asRoot({"exec", "-u", "nobody", "host", "--", "id", "-un"});
  if (canRunAsNobody()) {
    EXPECT_EQ(other.exitCode(), 0) << other.err;
    EXPECT_EQ(other.out, "nobody\n");
  }
  EXPECT_EQ(WEXITSTATUS(daemon.stop(SIGTERM)), 0);
  EXPECT_NE(access(socket_.c_str(), F_OK), 0) << "the socket file outlived the daemon";
}

TEST_F(LocalAccessTest, AnotherUserRunsOnlyAsItself) {
  if (!canRunAsNobody()) GTEST_SKIP() << "needs root, setpriv and a world-searchable /";
  DaemonProcess daemon({"--listen", url()});
  auto self = asNobody({"exec", "host", "--", "id", "-u"});
  EXPECT_EQ(self.exitCode(), 0) << self.err;
  EXPECT_EQ(self.out, std::string(kNobody) + "\n");
  auto named_self = asNobody({"exec", "-u", "nobody", "host", "--", "id", "-u"});
  EXPECT_EQ(named_self.exitCode(), 0) << named_self.err;
  auto as_root = asNobody({"exec", "-u", "root", "host", "--", "id", "-u"});
  EXPECT_EQ(as_root.exitCode(), 125);
  EXPECT_EQ(as_root.out, "");
  EXPECT_NE(as_root.err.find("local user nobody may run sessions only as itself, not as root"),
            std::string::npos)
      << as_root.err;
  EXPECT_NE(as_root.err.find("unix:nobody"), std::string::npos) << as_root.err;
  auto can = asNobody({"can-i", "-u", "root", "host"});
  EXPECT_NE(can.exitCode(), 0);
  EXPECT_NE(can.out.find("deny"), std::string::npos) << can.out << can.err;
}

// Inside a declared target the caller's host name means nothing (the
// target's passwd could say uid 0): only a policy grant lets it in.
TEST_F(LocalAccessTest, AnotherUserMayNotEnterADeclaredTarget) {
  if (!canRunAsNobody()) GTEST_SKIP() << "needs root, setpriv and a world-searchable /";
  std::string config = dir_ + "/airlockd.toml";
  std::ofstream(config) << "[[target]]\nid = \"web-1\"\nuser = \"nobody\"\n";
  DaemonProcess daemon({"--listen", url(), "--config", config});
  auto r = asNobody({"exec", "web-1", "--", "id", "-u"});
  EXPECT_EQ(r.exitCode(), 125);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("may run sessions only on the target 'host'"), std::string::npos) << r.err;
  auto root = asRoot({"exec", "web-1", "--", "id", "-u"});
  EXPECT_EQ(root.exitCode(), 0) << root.err;
  EXPECT_EQ(root.out, "65534\n");
}

TEST_F(LocalAccessTest, ASocketDirectoryOthersCouldChangeIsRefused) {
  chmod(dir_.c_str(), 0777);
  auto open_dir = runCommand({daemonPath(), "--listen", url()}, {}, 10s);
  chmod(dir_.c_str(), 0755);
  EXPECT_EQ(open_dir.exitCode(), 69);
  EXPECT_NE(open_dir.err.find(dir_ + " is writable by other users"), std::string::npos)
      << open_dir.err;
  std::string theirs = dir_ + "/theirs";
  mkdir(theirs.c_str(), 0755);
  chown(theirs.c_str(), 65534, 65534);
  auto their_dir = runCommand({daemonPath(), "--listen", "unix:" + theirs + "/s.sock"}, {}, 10s);
  EXPECT_EQ(their_dir.exitCode(), 69);
  EXPECT_NE(their_dir.err.find("belongs to uid 65534"), std::string::npos) << their_dir.err;
  EXPECT_NE(access((theirs + "/s.sock").c_str(), F_OK), 0);
}

TEST_F(LocalAccessTest, ListShowsEachLocalUserOnlyWhatItMayWatch) {
  if (!canRunAsNobody()) GTEST_SKIP() << "needs root, setpriv and a world-searchable /";
  DaemonProcess daemon({"--listen", url()});
  SessionClient root_client(url());
  ChannelRecord& root_run = root_client.open(makeOpen({"sleep", "30"}));
  ASSERT_TRUE(root_client.run([&] { return root_run.opened.has_value() || root_run.done(); }, 10s));
  ASSERT_TRUE(root_run.opened.has_value()) << (root_run.error ? root_run.error->message : "");
  std::string root_session = root_run.opened->session_id();

  auto root_list = asRoot({"ls"});
  EXPECT_EQ(root_list.exitCode(), 0) << root_list.err;
  EXPECT_NE(root_list.out.find(root_session), std::string::npos) << root_list.out;
  auto nobody_list = asNobody({"ls"});
  EXPECT_EQ(nobody_list.exitCode(), 0) << nobody_list.err;
  EXPECT_EQ(nobody_list.out.find(root_session), std::string::npos) << nobody_list.out;
  EXPECT_EQ(nobody_list.out.find("sleep"), std::string::npos) << nobody_list.out;

  auto watch = asNobody({"watch", root_session});
  EXPECT_EQ(watch.exitCode(), 125);
  EXPECT_NE(watch.err.find("may watch only its own sessions"), std::string::npos) << watch.err;
  EXPECT_NE(daemon.stderrText().find("unix:nobody) listed sessions: 0 of 1 live sessions visible"),
            std::string::npos)
      << daemon.stderrText();
}

TEST_F(LocalAccessTest, TheDefaultListenerIsTheUnixSocketAndTcpWithoutAuthIsRefused) {
  auto tcp = runCommand({daemonPath(), "--listen", "127.0.0.1:0"}, {}, 10s);
  EXPECT_EQ(tcp.exitCode(), 64);
  EXPECT_NE(tcp.err.find("refusing to listen on 127.0.0.1:"), std::string::npos) << tcp.err;
  EXPECT_NE(tcp.err.find("unix:/run/airlockd/airlockd.sock"), std::string::npos) << tcp.err;
  auto help = runCommand({daemonPath(), "--help"}, {}, 10s);
  EXPECT_NE(help.out.find("default unix:/run/airlockd/airlockd.sock"), std::string::npos);
  auto cli_help = runCommand({clientPath(), "--help"}, {}, 10s);
  EXPECT_NE((cli_help.out + cli_help.err).find("default unix:/run/airlockd/airlockd.sock"),
            std::string::npos);
}

TEST_F(LocalAccessTest, AStaleSocketIsReplacedButNotAFileOrALiveDaemon) {
  // A regular file where the socket goes is never removed.
  { std::ofstream(socket_) << "not a socket"; }
  auto refused = runCommand({daemonPath(), "--listen", url()}, {}, 10s);
  EXPECT_EQ(refused.exitCode(), 69);
  EXPECT_NE(refused.err.find("exists and is not a socket"), std::string::npos) << refused.err;
  std::filesystem::remove(socket_);
  {
    // A daemon killed with SIGKILL leaves its socket file; the next one takes its place.
    DaemonProcess crashed({"--listen", url()});
    crashed.stop(SIGKILL);
  }
  ASSERT_EQ(access(socket_.c_str(), F_OK), 0);
  DaemonProcess next({"--listen", url()});
  ASSERT_EQ(next.url(), url()) << next.stderrText();
  EXPECT_EQ(asRoot({"exec", "host", "--", "true"}).exitCode(), 0);
  // While it runs, a second daemon on the same path is refused and leaves it alone.
  auto second = runCommand({daemonPath(), "--listen", url()}, {}, 10s);
  EXPECT_EQ(second.exitCode(), 69);
  EXPECT_NE(second.err.find("listens on unix:" + socket_), std::string::npos) << second.err;
  EXPECT_EQ(asRoot({"exec", "host", "--", "true"}).exitCode(), 0);
}

// The status code of a raw upgrade with `extra_headers`, over TCP.
std::string upgradeStatus(uint16_t port, const std::string& extra_headers) {
  std::string request =
      "GET / HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\n"
      "Sec-WebSocket-Protocol: airlock.v1\\r\\n" +
      extra_headers + "\\r\\n";
  auto result = runCommand({"/bin/bash", "-c",
                            "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(port) + "; printf '" +
                                request + "' >&3; head -n 1 <&3"},
                           {}, 10s);
  return result.out.size() >= 12 ? result.out.substr(9, 3) : result.out;
}

uint16_t portOf(const std::string& url) {
  return static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
}

TEST_F(LocalAccessTest, AnUpgradeWithAnOriginNotAllowedIsRefused) {
  DaemonProcess daemon({"-o", "auth.allowed_origins=[\"https://console.example\"]",
                        "--insecure-no-auth"});
  uint16_t port = portOf(daemon.url());
  EXPECT_EQ(upgradeStatus(port, ""), "101");
  EXPECT_EQ(upgradeStatus(port, "Origin: https://evil.example\\r\\n"), "403");
  EXPECT_EQ(upgradeStatus(port, "Origin: null\\r\\n"), "403");
  EXPECT_EQ(upgradeStatus(port, "Origin: https://console.example\\r\\n"), "101");
  EXPECT_NE(daemon.stderrText().find("cross-origin: the Origin 'https://evil.example' is not in "
                                     "auth.allowed_origins"),
            std::string::npos);
  // The CLI sends no Origin.
  auto r = runCommand({clientPath(), "--url", daemon.url(), "exec", "host", "--", "true"}, {}, 20s);
  EXPECT_EQ(r.exitCode(), 0) << r.err;
}

TEST_F(LocalAccessTest, ByDefaultEveryOriginIsRefusedAlsoOnTheSocket) {
  if (access("/usr/bin/curl", X_OK) != 0) GTEST_SKIP() << "needs curl for a raw upgrade on a Unix socket";
  DaemonProcess daemon({"--listen", url()});
  auto status = [&](const std::string& origin) {
    std::vector<std::string> argv = {
        "/usr/bin/curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "3",
        "--unix-socket", socket_, "-H", "Connection: Upgrade", "-H", "Upgrade: websocket",
        "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "-H", "Sec-WebSocket-Protocol: airlock.v1"};
    if (!origin.empty()) argv.insert(argv.end(), {"-H", "Origin: " + origin});
    argv.push_back("http://localhost/");
    return runCommand(argv, {}, 10s).out;
  };
  EXPECT_EQ(status("http://localhost:8080"), "403");
  EXPECT_EQ(status(""), "101");
}

TEST_F(LocalAccessTest, TheCliNeverSendsATokenInClearTextOffLoopback) {
  std::string token = dir_ + "/token";
  { std::ofstream(token) << "secret-token"; }
  auto r = runCommand({clientPath(), "--url", "ws://192.0.2.1:7122/", "--token-file", token, "ls"},
                      {}, 10s);
  EXPECT_EQ(r.exitCode(), 125);
  EXPECT_NE(r.err.find("refusing to send a token in clear text to 192.0.2.1"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace airlock::testing
