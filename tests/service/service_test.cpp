// airlockd as a systemd service, end to end with the real binary: sd_notify
// readiness, status, watchdog and stopping through a NOTIFY_SOCKET the test
// owns; socket activation under systemd-socket-activate; SIGHUP reload with
// a live session; the SIGTERM drain; config precedence and --check-config;
// /metrics (checked by promtool) and /healthz.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "command.h"
#include "daemon_process.h"
#include "service_test_support.h"
#include "session_client.h"

extern char** environ;

namespace airlock::testing {
namespace {

using namespace std::chrono_literals;

std::span<const uint8_t> bytesOf(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Sends `line` to a `cat` session and waits for it to come back.
bool echoes(SessionClient& client, uint32_t channel, ChannelRecord& record, const std::string& line) {
  size_t before = record.out.size();
  if (client.connection().sendStdin(channel, bytesOf(line)) != line.size()) return false;
  return client.run([&] { return record.out.find(line, before) != std::string::npos; }, 5s);
}

TEST(NotifyTest, ReadyOnceListeningThenStatusWatchdogAndStopping) {
  NotifyReceiver notify;
  std::unique_ptr<DaemonProcess> daemon;
  {
    ScopedEnv socket("NOTIFY_SOCKET", notify.path());
    ScopedEnv watchdog("WATCHDOG_USEC", "300000");
    daemon = std::make_unique<DaemonProcess>();
  }
  std::string ready = notify.waitFor("READY=1", 5s);
  ASSERT_NE(ready, "") << daemon->stderrText();
  // Sent after the listener is up: the port answers now.
  EXPECT_EQ(httpGet(portOfUrl(daemon->url()), "/healthz").status, 200);
  EXPECT_NE(ready.find("STATUS=0 sessions, 0 connections"), std::string::npos) << ready;
  EXPECT_NE(ready.find("MAINPID=" + std::to_string(daemon->pid())), std::string::npos) << ready;

  // WATCHDOG=1 at a third of 300 ms, from the loop's own timer.
  auto pings = notify.collect(1000ms);
  size_t watchdogs = std::count_if(pings.begin(), pings.end(), [](const std::string& m) {
    return m.find("WATCHDOG=1") != std::string::npos;
  });
  EXPECT_GE(watchdogs, 5u);
  EXPECT_LE(watchdogs, 14u);
  // A stopped process sends nothing: systemd would kill it after 300 ms.
  kill(daemon->pid(), SIGSTOP);
  std::this_thread::sleep_for(50ms);
  notify.collect(20ms);  // Whatever was already queued.
  EXPECT_TRUE(notify.collect(600ms).empty());
  kill(daemon->pid(), SIGCONT);
  EXPECT_NE(notify.waitFor("WATCHDOG=1", 1s), "");

  // STATUS= follows the live session count.
  SessionClient client(daemon->url());
  auto& record = client.open(makeOpen({"sleep", "30"}));
  ASSERT_TRUE(client.run([&] { return record.opened.has_value(); }, 5s));
  EXPECT_NE(notify.waitFor("STATUS=1 sessions, 1 connections", 3s), "");

  kill(daemon->pid(), SIGTERM);
  EXPECT_NE(notify.waitFor("STOPPING=1", 3s), "");
  EXPECT_TRUE(client.run([&] { return record.done(); }, 10s));
  EXPECT_EQ(WEXITSTATUS(daemon->stop(SIGTERM)), 0);
}

TEST(NotifyTest, WithoutNotifySocketNothingIsSentAndNothingBreaks) {
  DaemonProcess daemon;
  SessionClient client(daemon.url());
  auto& record = client.open(makeOpen({"echo", "plain"}));
  ASSERT_TRUE(client.run([&] { return record.done(); }, 5s));
  EXPECT_EQ(record.out, "plain\n");
  EXPECT_EQ(WEXITSTATUS(daemon.stop(SIGTERM)), 0);
}

// systemd-socket-activate binds, then execs airlockd (same pid) on the first
// connection with LISTEN_FDS=1: the daemon must accept on fd 3.
TEST(SocketActivationTest, AcceptsOnTheSocketItIsPassed) {
  uint16_t port = freeLoopbackPort();
  NotifyReceiver notify;
  TempFile log("", ".log");
  std::vector<std::string> args = {"/usr/bin/systemd-socket-activate", "-l",
                                   "127.0.0.1:" + std::to_string(port),
                                   "-E", "NOTIFY_SOCKET=" + notify.path(),
                                   daemonPath(), "--listen", "127.0.0.1:1", "--insecure-no-auth"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int log_fd = open(log.path().c_str(), O_WRONLY | O_APPEND);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, log_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, log_fd, 2);
  pid_t pid = -1;
  ASSERT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  close(log_fd);
  ASSERT_TRUE(eventually([&] { return readFile(log.path()).find("Listening on") != std::string::npos; }, 5s))
      << readFile(log.path());

  {
    SessionClient client("ws://127.0.0.1:" + std::to_string(port) + "/");
    auto& record = client.open(makeOpen({"echo", "activated"}));
    ASSERT_TRUE(client.run([&] { return record.done(); }, 10s)) << readFile(log.path());
    EXPECT_EQ(record.out, "activated\n");
  }
  EXPECT_NE(notify.waitFor("READY=1", 5s), "");
  std::string text = readFile(log.path());
  EXPECT_NE(text.find("listening on ws://127.0.0.1:" + std::to_string(port) + "/"), std::string::npos)
      << text;
  EXPECT_NE(text.find("socket activation"), std::string::npos) << text;
  // A second client on the same inherited socket.
  EXPECT_EQ(httpGet(port, "/healthz").status, 200);

  kill(pid, SIGTERM);
  int status = 0;
  ASSERT_TRUE(eventually([&] { return waitpid(pid, &status, WNOHANG) == pid; }, 10s));
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(ReloadTest, SighupAppliesLimitsAndLogLevelAndKeepsTheSession) {
  TempFile config("[server]\nlog_level = \"info\"\n[limits]\nmax_sessions_per_user = 8\n");
  DaemonProcess daemon({"--config", config.path()});
  SessionClient client(daemon.url());
  uint32_t channel = 0;
  auto& cat = client.open(makeOpen({"cat"}), &channel);
  ASSERT_TRUE(client.run([&] { return cat.opened.has_value(); }, 5s));
  ASSERT_TRUE(echoes(client, channel, cat, "before\n"));

  config.write("[server]\nlog_level = \"debug\"\n[limits]\nmax_sessions_per_user = 1\n");
  kill(daemon.pid(), SIGHUP);
  ASSERT_TRUE(eventually([&] { return daemon.stderrText().find("config reloaded") != std::string::npos; }, 5s))
      << daemon.stderrText();
  EXPECT_NE(daemon.stderrText().find("log level debug"), std::string::npos);
  // The live session survived, and the new limit holds for the next one.
  EXPECT_TRUE(echoes(client, channel, cat, "after\n"));
  auto& second = client.open(makeOpen({"true"}));
  ASSERT_TRUE(client.run([&] { return second.done(); }, 5s));
  ASSERT_TRUE(second.error.has_value());
  EXPECT_EQ(second.error->code, v1::TOO_MANY_SESSIONS) << second.error->message;

  // A bad file is refused whole, with the key named; the old config stays.
  config.write("[limits]\nmax_sessions_per_user = 8\nno_such_limit = 1\n");
  kill(daemon.pid(), SIGHUP);
  ASSERT_TRUE(eventually([&] { return daemon.stderrText().find("config was not reloaded") != std::string::npos; }, 5s));
  EXPECT_NE(daemon.stderrText().find("limits.no_such_limit"), std::string::npos) << daemon.stderrText();
  EXPECT_TRUE(echoes(client, channel, cat, "still\n"));
  auto& third = client.open(makeOpen({"true"}));
  ASSERT_TRUE(client.run([&] { return third.done(); }, 5s));
  ASSERT_TRUE(third.error.has_value());
  EXPECT_EQ(third.error->code, v1::TOO_MANY_SESSIONS);
  EXPECT_FALSE(cat.done());
  EXPECT_EQ(WEXITSTATUS(daemon.stop(SIGTERM)), 0);
}

TEST(DrainTest, SigtermGivesSessionsTheGraceThenEndsThemWithShuttingDown) {
  std::unique_ptr<DaemonProcess> daemon;
  {
    ScopedEnv grace("AIRLOCK_LIMITS_DRAIN_GRACE_MS", "1500");  // Through the environment.
    daemon = std::make_unique<DaemonProcess>();
  }
  SessionClient client(daemon->url());
  uint32_t channel = 0;
  auto& shell = client.open(makeOpen({"cat"}, /*tty=*/true), &channel);
  auto& quick = client.open(makeOpen({"sh", "-c", "sleep 0.5; echo finished"}));
  ASSERT_TRUE(client.run([&] { return shell.opened && quick.opened; }, 5s));

  auto started = std::chrono::steady_clock::now();
  kill(daemon->pid(), SIGTERM);
  // The person at the terminal is told; the session still works.
  ASSERT_TRUE(client.run([&] { return shell.out.find("airlockd is stopping") != std::string::npos; }, 3s))
      << shell.out;
  EXPECT_TRUE(echoes(client, channel, shell, "typing\r"));
  EXPECT_EQ(httpGet(portOfUrl(daemon->url()), "/healthz").status, 0);  // No longer accepting.
  // A session that ends within the grace ends normally.
  ASSERT_TRUE(client.run([&] { return quick.done(); }, 3s));
  ASSERT_TRUE(quick.exit.has_value());
  EXPECT_EQ(quick.out, "finished\n");
  // No new sessions while draining.
  auto& late = client.open(makeOpen({"true"}));
  ASSERT_TRUE(client.run([&] { return late.done(); }, 3s));
  ASSERT_TRUE(late.error.has_value());
  EXPECT_EQ(late.error->code, v1::SHUTTING_DOWN);
  EXPECT_FALSE(shell.done());

  // After the grace: SHUTTING_DOWN, then a clean exit.
  ASSERT_TRUE(client.run([&] { return shell.done(); }, 10s));
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, 1400ms);
  ASSERT_TRUE(shell.error.has_value());
  EXPECT_EQ(shell.error->code, v1::SHUTTING_DOWN);
  EXPECT_EQ(WEXITSTATUS(daemon->stop(SIGTERM)), 0);
  EXPECT_NE(daemon->stderrText().find("draining: 2 sessions may run 1500 ms more"), std::string::npos)
      << daemon->stderrText();

  // The drained session's recording is sealed (verifies, not truncated) and
  // holds what was typed during the grace.
  std::string path;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(daemon->recordingsDir())) {
    if (entry.path().extension() == ".alrec" &&
        entry.path().string().find(shell.opened->session_id()) != std::string::npos) {
      path = entry.path().string();
    }
  }
  ASSERT_FALSE(path.empty()) << "no recording of " << shell.opened->session_id();
  auto verify = runCommand({replayPath(), "verify", "--key", daemon->recordingKeyPath(), path});
  EXPECT_EQ(verify.exitCode(), 0) << verify.out << verify.err;
  auto cat = runCommand({replayPath(), "cat", path});
  EXPECT_NE(cat.out.find("typing"), std::string::npos) << cat.out;
}

TEST(DrainTest, WithoutGraceSessionsEndAtOnce) {
  DaemonProcess daemon;
  SessionClient client(daemon.url());
  auto& record = client.open(makeOpen({"sleep", "30"}));
  ASSERT_TRUE(client.run([&] { return record.opened.has_value(); }, 5s));
  auto started = std::chrono::steady_clock::now();
  kill(daemon.pid(), SIGTERM);
  ASSERT_TRUE(client.run([&] { return record.done(); }, 5s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1000ms);
  ASSERT_TRUE(record.error.has_value());
  EXPECT_EQ(record.error->code, v1::SHUTTING_DOWN);
  EXPECT_EQ(WEXITSTATUS(daemon.stop(SIGTERM)), 0);
}

TEST(ConfigTest, CheckConfigAcceptsTheExampleAndNamesTheBadKey) {
  auto good = runCommand({daemonPath(), "--check-config", AIRLOCK_EXAMPLE_CONFIG});
  EXPECT_EQ(good.exitCode(), 0) << good.err;
  EXPECT_NE(good.out.find("config OK"), std::string::npos);

  TempFile bad("[limits]\nkill_grace_ms = \"soon\"\n");
  auto refused = runCommand({daemonPath(), "--check-config", bad.path()});
  EXPECT_EQ(refused.exitCode(), 78);
  EXPECT_NE(refused.err.find("limits.kill_grace_ms"), std::string::npos) << refused.err;

  auto missing = runCommand({daemonPath(), "--check-config", "/nonexistent/airlockd.toml"});
  EXPECT_EQ(missing.exitCode(), 78);
}

// file < environment < flags, shown on one key with --check-config.
TEST(ConfigTest, EnvironmentOverridesTheFileAndFlagsOverrideTheEnvironment) {
  TempFile file("[limits]\nkill_grace_ms = 100\n");
  {
    ScopedEnv env("AIRLOCK_LIMITS_KILL_GRACE_MS", "-5");  // Bad: only the env can make it so.
    auto from_env = runCommand({daemonPath(), "--check-config", file.path()});
    EXPECT_EQ(from_env.exitCode(), 78);
    EXPECT_NE(from_env.err.find("limits.kill_grace_ms"), std::string::npos) << from_env.err;
    auto flag_wins = runCommand({daemonPath(), "--check-config", file.path(), "-o",
                                 "limits.kill_grace_ms=7"});
    EXPECT_EQ(flag_wins.exitCode(), 0) << flag_wins.err;
  }
  {
    ScopedEnv env("AIRLOCK_LIMITS_NO_SUCH_LIMIT", "1");
    auto unknown = runCommand({daemonPath(), "--check-config", file.path()});
    EXPECT_EQ(unknown.exitCode(), 78);
    EXPECT_NE(unknown.err.find("limits.no_such_limit"), std::string::npos) << unknown.err;
  }
  {
    // The CLI's own variables are not config keys.
    ScopedEnv url("AIRLOCK_URL", "ws://127.0.0.1:1/");
    ScopedEnv token("AIRLOCK_TOKEN_FILE", "/nonexistent");
    EXPECT_EQ(runCommand({daemonPath(), "--check-config", file.path()}).exitCode(), 0);
  }
  {
    // The environment reaches the running daemon too.
    ScopedEnv level("AIRLOCK_SERVER_LOG_LEVEL", "debug");
    DaemonProcess daemon;
    SessionClient client(daemon.url());
    auto& record = client.open(makeOpen({"true"}));
    ASSERT_TRUE(client.run([&] { return record.done(); }, 5s));
    EXPECT_EQ(WEXITSTATUS(daemon.stop(SIGTERM)), 0);
    EXPECT_NE(daemon.stderrText().find("[debug]"), std::string::npos) << daemon.stderrText();
  }
}

// With $JOURNAL_STREAM naming stderr, airlockd logs for the journal. With no
// journald socket here, each line goes to the stream with its "<N>" priority
// prefix (sd-daemon(3)) instead of the terminal format: that shows stderr was
// recognised as the journal and the levels map to priorities.
TEST(JournalTest, WhenStderrIsTheJournalLinesCarryTheirPriority) {
  if (access("/run/systemd/journal/socket", F_OK) == 0) {
    GTEST_SKIP() << "a journald runs here: the lines would go to it, not to the file";
  }
  TempFile err("", ".log");
  auto run = runCommand({"/bin/bash", "-c",
                         "exec 2>>" + err.path() + "; export JOURNAL_STREAM=$(stat -c %d:%i " +
                             err.path() + "); timeout -s TERM 1 " + daemonPath() +
                             " --listen 127.0.0.1:0 --insecure-no-auth > /dev/null"});
  std::string text = readFile(err.path());
  EXPECT_NE(text.find("<4>!!! --insecure-no-auth"), std::string::npos) << text;
  EXPECT_NE(text.find("<6>airlockd listening on ws://127.0.0.1:"), std::string::npos) << text;
  EXPECT_EQ(text.find("[airlockd] [info]"), std::string::npos) << text;
  // A JOURNAL_STREAM that names another file leaves the terminal format.
  TempFile other("", ".log");
  runCommand({"/bin/bash", "-c",
              "exec 2>>" + other.path() + "; export JOURNAL_STREAM=1:1; timeout -s TERM 1 " +
                  daemonPath() + " --listen 127.0.0.1:0 --insecure-no-auth > /dev/null"});
  EXPECT_NE(readFile(other.path()).find("[airlockd] [info] airlockd listening"), std::string::npos);
}

double metricValue(const std::string& text, const std::string& series) {
  size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

TEST(MetricsTest, MetricsPassPromtoolAndCountSessionsBytesAndLatencies) {
  DaemonProcess daemon;
  uint16_t port = portOfUrl(daemon.url());
  {
    SessionClient client(daemon.url());
    uint32_t channel = 0;
    auto& cat = client.open(makeOpen({"cat"}), &channel);
    ASSERT_TRUE(client.run([&] { return cat.opened.has_value(); }, 5s));
    ASSERT_TRUE(echoes(client, channel, cat, "0123456789\n"));
    auto& running = client.open(makeOpen({"sleep", "30"}));
    ASSERT_TRUE(client.run([&] { return running.opened.has_value(); }, 5s));

    auto reply = httpGet(port, "/metrics");
    ASSERT_EQ(reply.status, 200) << reply.headers;
    EXPECT_NE(reply.headers.find("text/plain; version=0.0.4"), std::string::npos) << reply.headers;
    TempFile scrape(reply.body, ".prom");
    auto lint = runCommand({"/bin/sh", "-c", "promtool check metrics < " + scrape.path()});
    EXPECT_EQ(lint.exitCode(), 0) << lint.out << lint.err << reply.body;

    const std::string& m = reply.body;
    EXPECT_EQ(metricValue(m, "airlock_sessions{backend=\"local\",state=\"running\"}"), 2) << m;
    EXPECT_EQ(metricValue(m, "airlock_sessions_started_total{backend=\"local\"}"), 2);
    EXPECT_EQ(metricValue(m, "airlock_connections"), 1);
    EXPECT_EQ(metricValue(m, "airlock_session_bytes_total{direction=\"stdin\"}"), 11);
    EXPECT_EQ(metricValue(m, "airlock_session_bytes_total{direction=\"stdout\"}"), 11);
    EXPECT_EQ(metricValue(m, "airlock_session_setup_seconds_count"), 2);
    EXPECT_EQ(metricValue(m, "airlock_echo_latency_seconds_count"), 1);
    EXPECT_GE(metricValue(m, "airlock_loop_lag_seconds_count"), 0);
    EXPECT_EQ(metricValue(m, "airlock_build_info{version=\"" AIRLOCK_VERSION "\"}"), 1);
    EXPECT_GT(metricValue(m, "process_resident_memory_bytes"), 1e6);
    EXPECT_GE(metricValue(m, "airlock_recording_bytes_written_total"), 0);
    EXPECT_NE(m.find("airlock_authz_decisions_total{result=\"deny\"} 0"), std::string::npos);
  }
  // The sessions ended: their recordings were sealed, so bytes were written.
  double recorded = 0;
  for (int i = 0; i < 100 && recorded == 0; ++i) {
    recorded = metricValue(httpGet(port, "/metrics").body, "airlock_recording_bytes_written_total");
    if (recorded == 0) std::this_thread::sleep_for(50ms);
  }
  EXPECT_GT(recorded, 0);
  EXPECT_EQ(metricValue(httpGet(port, "/metrics").body, "airlock_recording_failures_total"), 0);
  auto health = httpGet(port, "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok\n");
  EXPECT_EQ(httpGet(port, "/nothing-here").status, 404);
  EXPECT_EQ(WEXITSTATUS(daemon.stop(SIGTERM)), 0);
}

}  // namespace
}  // namespace airlock::testing
