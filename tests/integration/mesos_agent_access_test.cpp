// How airlockd reaches a guarded Mesos agent (issue 4 item 2): Basic
// principal/secret, a DC/OS token, and TLS with a CA file. The real daemon,
// the agent emulator demanding the credentials, and for TLS a real TLS
// server (socat with a throwaway CA) in front of the emulator. Wrong
// credentials or an untrusted certificate are BACKEND_UNAVAILABLE with a
// reason a person can act on, and no secret reaches the daemon's log.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "agent_emulator_process.h"
#include "command.h"
#include "daemon_process.h"
#include "session_client.h"
#include "tls_terminator.h"

namespace airlock::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr char kSecret[] = "s3cret-Agent-Pa55";
constexpr char kToken[] = "eyJhbGciOiJSUzI1NiJ9.agent-service-token.c2lnbmF0dXJl";

class MesosAgentAccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("airlock-agent-access-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A file holding `text` (and a newline, as editors leave), mode 0600.
  std::string secretFile(const std::string& name, const std::string& text) {
    fs::path path = dir_ / name;
    std::ofstream(path) << text << "\n";
    chmod(path.c_str(), 0600);
    return path.string();
  }
  std::unique_ptr<DaemonProcess> startDaemon(const std::string& agent_section) {
    fs::path config = dir_ / "airlockd.toml";
    std::ofstream(config) << "backend = \"mesos\"\n[agent]\n" << agent_section
                          << "request_timeout_ms = 3000\nconnect_timeout_ms = 2000\n";
    return std::make_unique<DaemonProcess>(std::vector<std::string>{"--config", config.string()});
  }
  // Runs `echo reached-the-task` on the pod task; the record of that channel.
  static ChannelRecord& echo(SessionClient& client) {
    ChannelRecord& r = client.open(makeOpen({"echo", "reached-the-task"}, false, kFixturePodTask));
    EXPECT_TRUE(client.run([&] { return r.done(); }, 20s));
    return r;
  }
  static void expectReached(const ChannelRecord& r) {
    ASSERT_TRUE(r.exit.has_value()) << (r.error ? r.error->message : "no answer");
    EXPECT_EQ(r.exit->exit_code(), 0);
    EXPECT_EQ(r.out, "reached-the-task\n");
  }
  static void expectUnavailable(const ChannelRecord& r, const std::string& reason) {
    ASSERT_TRUE(r.error.has_value()) << "the session ran: " << r.out;
    EXPECT_EQ(r.error->code, v1::BACKEND_UNAVAILABLE);
    EXPECT_NE(r.error->message.find(reason), std::string::npos) << r.error->message;
  }

  fs::path dir_;
};

TEST_F(MesosAgentAccessTest, BasicPrincipalAndSecretFile) {
  AgentEmulatorProcess agent({"--principal", "airlock", "--secret", kSecret});
  {
    auto daemon = startDaemon("url = \"" + agent.url() + "\"\nprincipal = \"airlock\"\nsecret_file = \"" +
                              secretFile("secret", kSecret) + "\"\n");
    SessionClient client(daemon->url());
    expectReached(echo(client));
    EXPECT_EQ(daemon->stderrText().find(kSecret), std::string::npos);
  }
  auto daemon = startDaemon("url = \"" + agent.url() + "\"\nprincipal = \"airlock\"\nsecret = \"wrong\"\n");
  SessionClient client(daemon->url());
  expectUnavailable(echo(client), "agent answered 401");
}

TEST_F(MesosAgentAccessTest, TokenFile) {
  AgentEmulatorProcess agent({"--token", kToken});
  {
    auto daemon = startDaemon("url = \"" + agent.url() + "\"\ntoken_file = \"" + secretFile("token", kToken) +
                              "\"\n");
    SessionClient client(daemon->url());
    expectReached(echo(client));
    EXPECT_EQ(daemon->stderrText().find(kToken), std::string::npos);
  }
  auto daemon = startDaemon("url = \"" + agent.url() + "\"\n");  // No credentials at all.
  SessionClient client(daemon->url());
  expectUnavailable(echo(client), "agent answered 401");
}

TEST_F(MesosAgentAccessTest, CredentialConfigErrorsNameTheKey) {
  auto check = [&](const std::string& agent_section) {
    fs::path config = dir_ / "check.toml";
    std::ofstream(config) << "backend = \"mesos\"\n[agent]\n" << agent_section;
    auto r = runCommand({daemonPath(), "--check-config", config.string()});
    EXPECT_NE(r.exitCode(), 0) << agent_section;
    return r.out + r.err;
  };
  EXPECT_NE(check("principal = \"airlock\"\n").find("'agent.principal': needs agent.secret"), std::string::npos);
  EXPECT_NE(check("token_file = \"/nonexistent/token\"\n").find("'agent.token_file': cannot read /nonexistent/token"),
            std::string::npos);
  std::string secret = secretFile("secret", kSecret);
  std::string both = check("principal = \"a\"\nsecret = \"x\"\nsecret_file = \"" + secret + "\"\n");
  EXPECT_NE(both.find("'agent.secret_file': cannot be combined with agent.secret"), std::string::npos) << both;
  EXPECT_EQ(both.find(kSecret), std::string::npos);
}

TEST_F(MesosAgentAccessTest, TlsAgentWithCaFile) {
  AgentEmulatorProcess agent;
  uint16_t plain_port = static_cast<uint16_t>(std::stoi(agent.url().substr(agent.url().rfind(':') + 1)));
  TlsTerminator tls(dir_.string(), plain_port);
  ASSERT_NE(tls.port(), 0);
  std::string url = "https://127.0.0.1:" + std::to_string(tls.port()) + "/api/v1";
  {
    auto daemon = startDaemon("url = \"" + url + "\"\nca_file = \"" + tls.caFile() + "\"\n");
    SessionClient client(daemon->url());
    expectReached(echo(client));
    // A PTY session streams through TLS both ways too.
    v1::Open open = makeOpen({"sh", "-c", "read line; echo got-$line"}, true, kFixturePodTask);
    uint32_t channel = 0;
    ChannelRecord& tty = client.open(open, &channel);
    ASSERT_TRUE(client.run([&] { return tty.opened.has_value(); }, 20s));
    std::string line = "through-tls\n";
    ASSERT_EQ(client.connection().sendStdin(channel, {reinterpret_cast<const uint8_t*>(line.data()), line.size()}),
              line.size());
    ASSERT_TRUE(client.run([&] { return tty.done(); }, 20s));
    ASSERT_TRUE(tty.exit.has_value()) << (tty.error ? tty.error->message : "");
    EXPECT_NE(tty.out.find("got-through-tls"), std::string::npos) << tty.out;
  }
  // Without the CA the agent's certificate is not trusted: a clear refusal.
  auto daemon = startDaemon("url = \"" + url + "\"\n");
  SessionClient client(daemon->url());
  expectUnavailable(echo(client), "certificate");
}

}  // namespace
}  // namespace airlock::testing
