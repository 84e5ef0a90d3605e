// airlockd as a process: how it starts, refuses to start, and stops.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "command.h"
#include "daemon_process.h"
#include "session_client.h"

namespace airlock::testing {
namespace {

using namespace std::chrono_literals;

uint16_t portOf(const std::string& url) {
  auto colon = url.rfind(':');
  return static_cast<uint16_t>(std::stoi(url.substr(colon + 1)));
}

TEST(DaemonLifecycleTest, PortInUseIsAClearErrorAndExitCode) {
  DaemonProcess first;
  auto result = runCommand({daemonPath(), "--listen", "127.0.0.1:" + std::to_string(portOf(first.url()))});
  EXPECT_EQ(result.exitCode(), 69);
  EXPECT_NE(result.err.find("cannot listen on 127.0.0.1:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("Address already in use"), std::string::npos) << result.err;
  EXPECT_EQ(result.out, "");
}

TEST(DaemonLifecycleTest, RefusesNonLoopbackAddressesWithoutInsecureFlag) {
  auto result = runCommand({daemonPath(), "--listen", "0.0.0.0:0"});
  EXPECT_EQ(result.exitCode(), 64);
  EXPECT_NE(result.err.find("--insecure-no-auth"), std::string::npos) << result.err;
}

TEST(DaemonLifecycleTest, InsecureFlagIsLoud) {
  DaemonProcess daemon({"--insecure-no-auth"});
  EXPECT_EQ(WEXITSTATUS(daemon.stop(SIGTERM)), 0);
  EXPECT_NE(daemon.stderrText().find("--insecure-no-auth: ANYONE"), std::string::npos);
}

TEST(DaemonLifecycleTest, BadConfigIsAnErrorNamingTheKey) {
  std::string path = "/tmp/airlock-bad-" + std::to_string(getpid()) + ".toml";
  FILE* f = fopen(path.c_str(), "w");
  fputs("[limits]\nno_such_limit = 1\n", f);
  fclose(f);
  auto result = runCommand({daemonPath(), "--config", path});
  unlink(path.c_str());
  EXPECT_EQ(result.exitCode(), 78);
  EXPECT_NE(result.err.find("limits.no_such_limit"), std::string::npos) << result.err;
}

// Sends `request` on a fresh TCP connection and returns the status line.
std::string statusLineFor(uint16_t port, const std::string& request) {
  auto result = runCommand({"/bin/bash", "-c",
                            "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(port) + "; printf '" +
                                request + "' >&3; head -n 1 <&3"},
                           {}, 10s);
  return result.out;
}

TEST(DaemonLifecycleTest, PlainHttpAndWrongSubprotocolAreRefused) {
  DaemonProcess daemon;
  uint16_t port = portOf(daemon.url());
  EXPECT_EQ(statusLineFor(port, "GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n").substr(0, 12), "HTTP/1.1 404");
  const std::string upgrade =
      "GET / HTTP/1.1\\r\\nHost: x\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\n";
  EXPECT_EQ(statusLineFor(port, upgrade + "Sec-WebSocket-Protocol: airlock.v1\\r\\n\\r\\n").substr(0, 12),
            "HTTP/1.1 101");
  EXPECT_NE(statusLineFor(port, upgrade + "\\r\\n").substr(0, 12), "HTTP/1.1 101");
  EXPECT_NE(statusLineFor(port, upgrade + "Sec-WebSocket-Protocol: tty\\r\\n\\r\\n").substr(0, 12),
            "HTTP/1.1 101");
  EXPECT_EQ(WEXITSTATUS(daemon.stop(SIGTERM)), 0);
}

TEST(DaemonLifecycleTest, SigtermEndsSessionsWithAMessageAndExitsCleanly) {
  DaemonProcess daemon;
  SessionClient client(daemon.url());
  // Unique per run, so a leftover of another run cannot confuse this one.
  const std::string a = "sleep " + std::to_string(700000 + getpid() % 90000) + "1";
  const std::string b = "sleep " + std::to_string(700000 + getpid() % 90000) + "2";
  ChannelRecord& pty = client.open(makeOpen({"sh", "-c", "echo ready; " + a}, true));
  ChannelRecord& pipe = client.open(makeOpen({"sh", "-c", "trap '' HUP; echo ready; " + b}));
  ASSERT_TRUE(client.run([&] {
    return pty.out.find("ready") != std::string::npos && pipe.out.find("ready") != std::string::npos;
  }, 10s));
  kill(daemon.pid(), SIGTERM);
  ASSERT_TRUE(client.run([&] { return pty.done() && pipe.done() && client.closed(); }, 20s));
  ASSERT_TRUE(pty.error.has_value());
  EXPECT_EQ(pty.error->code, v1::SHUTTING_DOWN) << pty.error->message;
  EXPECT_NE(pty.error->message.find("shutting down"), std::string::npos);
  ASSERT_TRUE(pipe.error.has_value());
  EXPECT_EQ(pipe.error->code, v1::SHUTTING_DOWN);
  int status = daemon.stop(0);  // Already stopping; just wait.
  ASSERT_TRUE(WIFEXITED(status)) << daemon.stderrText();
  if (HasFailure()) ADD_FAILURE() << daemon.stderrText();
  EXPECT_EQ(WEXITSTATUS(status), 0);  // Includes uv_loop_close() == 0.
  EXPECT_TRUE(processesRunning(a).empty());
  EXPECT_TRUE(processesRunning(b).empty());  // Ignored SIGHUP, got SIGKILL.
}

}  // namespace
}  // namespace airlock::testing
