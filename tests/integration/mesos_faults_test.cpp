// The Mesos backend against a failing agent (issue 4, "Faults"): the agent
// not running, answering 503 or 500, cutting a session's stream, or too slow
// to start one. Each must reach the client as a clear error frame, leave an
// audit line, seal the session's recording when there was a session, and
// leave the daemon serving. The real airlockd, the agent emulator with its
// fault switches, the real client library with a token.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "agent_emulator_process.h"
#include "command.h"
#include "daemon_process.h"
#include "recording_files.h"
#include "session_client.h"
#include "token_factory.h"
#include "test_files.h"

namespace airlock::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class MesosFaultsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { keys_ = new auth::testing::TokenFactory(); }
  static void TearDownTestSuite() { delete keys_; }

  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("airlock-mesos-faults-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "iam.pem") << keys_->publicPem();
    std::ofstream(dir_ / "policy") << "dcos security org users grant ops dcos:superuser full\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A daemon on the Mesos backend at `agent_url`, with auth and an audit file.
  std::unique_ptr<DaemonProcess> startDaemon(const std::string& agent_url) {
    fs::path config = dir_ / "airlockd.toml";
    std::ofstream(config) << "backend = \"mesos\"\n[agent]\nurl = \"" << agent_url
                          << "\"\nrequest_timeout_ms = 1500\nconnect_timeout_ms = 1000\n"
                          << "[auth]\nmode = \"strict\"\npublic_key_file = \"" << (dir_ / "iam.pem").string()
                          << "\"\npolicy_file = \"" << (dir_ / "policy").string() << "\"\naudit_log = \""
                          << audit().string() << "\"\n";
    return std::make_unique<DaemonProcess>(std::vector<std::string>{"--config", config.string()});
  }
  std::unique_ptr<SessionClient> connect(const DaemonProcess& daemon) {
    std::string token = keys_->rs256({{"uid", "ops"}, {"exp", static_cast<int64_t>(time(nullptr)) + 3600}});
    return std::make_unique<SessionClient>(daemon.url(), 1 << 20, "token=" + token);
  }
  fs::path audit() const { return dir_ / "audit.jsonl"; }

  // The audit lines of `event` (bounded wait: the daemon writes them as it goes).
  std::vector<std::string> auditLines(const std::string& event) const {
    std::vector<std::string> out;
    for (int i = 0; i < 100 && out.empty(); ++i) {
      std::istringstream lines(readFile(audit()));
      for (std::string line; std::getline(lines, line);) {
        if (line.find("\"event\":\"" + event + "\"") != std::string::npos) out.push_back(line);
      }
      if (out.empty()) usleep(50 * 1000);
    }
    return out;
  }

  // The daemon still serves: a list request is answered.
  static bool stillServes(SessionClient& client) {
    std::optional<bool> answered;
    if (!client.connection().listSessions([&](Result<v1::Sessions> s) { answered = s.ok(); }).ok()) {
      return false;
    }
    return client.run([&] { return answered.has_value(); }, 10s) && *answered;
  }

  static auth::testing::TokenFactory* keys_;
  fs::path dir_;
};
auth::testing::TokenFactory* MesosFaultsTest::keys_ = nullptr;

TEST_F(MesosFaultsTest, AgentNotRunningIsBackendUnavailableBeforeOpened) {
  auto daemon = startDaemon("http://127.0.0.1:1/api/v1");
  auto client = connect(*daemon);
  ChannelRecord& r = client->open(makeOpen({"true"}, false, kFixtureCommandTask));
  ASSERT_TRUE(client->run([&] { return r.done(); }, 20s));
  ASSERT_TRUE(r.error.has_value());
  EXPECT_FALSE(r.opened.has_value());
  EXPECT_EQ(r.error->code, v1::BACKEND_UNAVAILABLE);
  EXPECT_NE(r.error->message.find("agent at http://127.0.0.1:1/api/v1"), std::string::npos) << r.error->message;
  auto lines = auditLines("open_failed");
  ASSERT_EQ(lines.size(), 1u) << readFile(audit());
  EXPECT_NE(lines[0].find("\"uid\":\"ops\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(kFixtureCommandTask), std::string::npos) << lines[0];
  EXPECT_TRUE(stillServes(*client));
}

TEST_F(MesosFaultsTest, RecoveringAgent503IsBackendUnavailable) {
  AgentEmulatorProcess agent({"--recovering-ms", "600000"});
  auto daemon = startDaemon(agent.url());
  auto client = connect(*daemon);
  ChannelRecord& r = client->open(makeOpen({"true"}, false, kFixturePodTask));
  ASSERT_TRUE(client->run([&] { return r.done(); }, 20s));
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->code, v1::BACKEND_UNAVAILABLE);
  EXPECT_NE(r.error->message.find("agent answered 503: Agent has not finished recovery"), std::string::npos)
      << r.error->message;
  EXPECT_EQ(auditLines("open_failed").size(), 1u) << readFile(audit());
  EXPECT_TRUE(stillServes(*client));
}

TEST_F(MesosFaultsTest, UnknownTaskIsUnknownTargetBeforeOpened) {
  AgentEmulatorProcess agent;
  auto daemon = startDaemon(agent.url());
  auto client = connect(*daemon);
  ChannelRecord& r = client->open(makeOpen({"true"}, false, "no-such-task"));
  ASSERT_TRUE(client->run([&] { return r.done(); }, 20s));
  ASSERT_TRUE(r.error.has_value());
  EXPECT_FALSE(r.opened.has_value());
  EXPECT_EQ(r.error->code, v1::UNKNOWN_TARGET);
  EXPECT_NE(r.error->message.find("unknown task 'no-such-task'"), std::string::npos) << r.error->message;
}

TEST_F(MesosFaultsTest, LaunchRefusedWith500LosesTheSessionAndSealsItsRecording) {
  AgentEmulatorProcess agent({"--fail-launch", "500"});
  auto daemon = startDaemon(agent.url());
  auto client = connect(*daemon);
  ChannelRecord& r = client->open(makeOpen({"true"}, false, kFixturePodTask));
  ASSERT_TRUE(client->run([&] { return r.done(); }, 20s));
  ASSERT_TRUE(r.error.has_value());
  ASSERT_TRUE(r.opened.has_value());
  EXPECT_EQ(r.error->code, v1::SESSION_LOST);
  EXPECT_NE(r.error->message.find("agent answered 500: Failed to launch nested container"), std::string::npos)
      << r.error->message;
  auto ends = auditLines("session_end");
  ASSERT_EQ(ends.size(), 1u) << readFile(audit());
  EXPECT_NE(ends[0].find("lost: agent answered 500"), std::string::npos) << ends[0];
  EXPECT_TRUE(waitSealed(*daemon, r.opened->session_id()));
  EXPECT_NE(daemon->stderrText().find("session " + r.opened->session_id() + " lost"), std::string::npos);
  EXPECT_TRUE(stillServes(*client));
}

TEST_F(MesosFaultsTest, StreamCutMidSessionKeepsEarlierOutputAndKillsTheSession) {
  AgentEmulatorProcess agent({"--cut-stream-ms", "1500"});
  auto daemon = startDaemon(agent.url());
  auto client = connect(*daemon);
  std::string marker = "4000." + std::to_string(getpid());
  ChannelRecord& r = client->open(makeOpen({"sh", "-c", "echo before-the-cut; sleep " + marker}, false,
                                           kFixturePodTask));
  ASSERT_TRUE(client->run([&] { return r.done(); }, 20s));
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->code, v1::SESSION_LOST);
  EXPECT_NE(r.error->message.find("the agent closed the session stream"), std::string::npos) << r.error->message;
  EXPECT_EQ(r.out, "before-the-cut\n");
  ASSERT_TRUE(r.opened.has_value());
  EXPECT_TRUE(waitSealed(*daemon, r.opened->session_id()));
  // The recording holds what the user saw before the cut.
  auto cat = replay({"cat", recordingOf(daemon->recordingsDir(), r.opened->session_id())});
  EXPECT_EQ(cat.out, "before-the-cut\n") << cat.err;
  // Nothing is left running (the launch connection closed: the agent killed it).
  for (int i = 0; i < 100 && !processesRunning("sleep " + marker).empty(); ++i) usleep(50 * 1000);
  EXPECT_TRUE(processesRunning("sleep " + marker).empty());
  // A short session on the same daemon and agent still works.
  ChannelRecord& next = client->open(makeOpen({"echo", "still-serving"}, false, kFixturePodTask));
  ASSERT_TRUE(client->run([&] { return next.done(); }, 20s));
  ASSERT_TRUE(next.exit.has_value()) << (next.error ? next.error->message : "");
  EXPECT_EQ(next.out, "still-serving\n");
}

TEST_F(MesosFaultsTest, AgentTooSlowToStartTheSessionLosesIt) {
  AgentEmulatorProcess agent({"--launch-delay-ms", "6000"});
  auto daemon = startDaemon(agent.url());  // request_timeout_ms = 1500
  auto client = connect(*daemon);
  ChannelRecord& r = client->open(makeOpen({"echo", "too-late"}, false, kFixturePodTask));
  ASSERT_TRUE(client->run([&] { return r.done(); }, 20s));
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->code, v1::SESSION_LOST);
  EXPECT_NE(r.error->message.find("the agent did not start the session in time"), std::string::npos)
      << r.error->message;
  EXPECT_TRUE(r.out.empty());
  ASSERT_TRUE(r.opened.has_value());
  EXPECT_TRUE(waitSealed(*daemon, r.opened->session_id()));
  EXPECT_TRUE(stillServes(*client));
}

// Not a fault of the agent, but its slowness: a client that closes a channel
// while its task is still being looked up must not get a session anyway.
TEST_F(MesosFaultsTest, ChannelClosedWhileTheTaskIsLookedUpNeverStarts) {
  AgentEmulatorProcess agent({"--state-delay-ms", "800"});
  auto daemon = startDaemon(agent.url());
  auto client = connect(*daemon);
  std::string marker = "4100." + std::to_string(getpid());
  uint32_t channel = 0;
  ChannelRecord& r = client->open(makeOpen({"sleep", marker}, false, kFixturePodTask), &channel);
  ASSERT_TRUE(client->connection().closeChannel(channel).ok());
  client->run([] { return false; }, 2s);  // The lookup answers meanwhile.
  EXPECT_FALSE(r.opened.has_value());
  EXPECT_TRUE(processesRunning("sleep " + marker).empty());
  std::optional<int> live;
  ASSERT_TRUE(client->connection().listSessions([&](Result<v1::Sessions> s) {
    if (s) live = s->sessions_size();
  }).ok());
  ASSERT_TRUE(client->run([&] { return live.has_value(); }, 10s));
  EXPECT_EQ(*live, 0);
  // The same daemon still opens sessions (the cache is warm now).
  ChannelRecord& next = client->open(makeOpen({"echo", "opened"}, false, kFixturePodTask));
  ASSERT_TRUE(client->run([&] { return next.done(); }, 20s));
  EXPECT_EQ(next.out, "opened\n");
}

TEST_F(MesosFaultsTest, AgentThatForgotTheExitStatusEndsTheSessionWith255) {
  AgentEmulatorProcess agent({"--forget-exits"});
  auto daemon = startDaemon(agent.url());
  auto client = connect(*daemon);
  ChannelRecord& r = client->open(makeOpen({"sh", "-c", "echo all-of-it; exit 3"}, false, kFixturePodTask));
  ASSERT_TRUE(client->run([&] { return r.done(); }, 20s));
  ASSERT_TRUE(r.exit.has_value()) << (r.error ? r.error->message : "");
  EXPECT_EQ(r.exit->exit_code(), 255);  // Unknown (spec 4.2.7), not the 3 the agent forgot.
  EXPECT_EQ(r.out, "all-of-it\n");
  EXPECT_NE(daemon->stderrText().find("the agent no longer knows its exit status"), std::string::npos);
  ASSERT_TRUE(r.opened.has_value());
  EXPECT_TRUE(waitSealed(*daemon, r.opened->session_id()));
}

}  // namespace
}  // namespace airlock::testing
