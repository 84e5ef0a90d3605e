// SIGHUP reloads the token verification keys: the real airlockd with a PEM
// key or a JWKS file, tokens signed at test time with an old and a new key.
// A rotated key works after the reload and the removed one stops working; a
// session opened before the reload goes on; a broken or missing key file
// keeps the old keys and the log says why; a key source changed in the
// config file is used from the reload on; a JWKS URL (the emulated IAM's) is
// fetched again, and a failing one keeps the old keys.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "command.h"
#include "daemon_process.h"
#include "iam_emulator_process.h"
#include "session_client.h"
#include "token_factory.h"
#include "test_files.h"

namespace airlock::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kReloaded[] = "SIGHUP: the verification keys were reloaded";
constexpr char kKept[] = "SIGHUP: the verification keys were not reloaded (the previous ones stay): ";

// Replaces `path` at once (write beside it, rename), as operators should.
void replaceFile(const fs::path& path, const std::string& text) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp);
    out << text;
  }
  fs::rename(tmp, path);
}

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class KeyReloadTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    old_key_ = new auth::testing::TokenFactory();
    new_key_ = new auth::testing::TokenFactory();
  }
  static void TearDownTestSuite() {
    delete old_key_;
    delete new_key_;
  }

  void SetUp() override {
    dir_ = testDir("airlock-key-reload-test");
    replaceFile(dir_ / "iam.pem", old_key_->publicPem());
    replaceFile(dir_ / "policy", "dcos security org users grant alice dcos:superuser full\n");
    writeConfig("public_key_file = \"" + (dir_ / "iam.pem").string() + "\"");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void writeConfig(const std::string& key_source) {
    replaceFile(dir_ / "airlockd.toml", "[auth]\n" + key_source + R"(
policy_file = ")" + (dir_ / "policy").string() + R"("

[[target]]
id = "web-1"
app_id = "/prod/web"
user = ")" + currentUser() + R"("
)");
  }
  std::string config() const { return (dir_ / "airlockd.toml").string(); }

  static std::string signedBy(const auth::testing::TokenFactory& key, const json& extra_header = {}) {
    return key.rs256({{"uid", "alice"}, {"exp", static_cast<int64_t>(time(nullptr)) + 3600}},
                     extra_header);
  }

  // Whether the daemon accepts `token`: a new connection runs `true`.
  static bool accepted(const DaemonProcess& daemon, const std::string& token) {
    SessionClient client(daemon.url(), 1 << 20, "token=" + token);
    ChannelRecord& rec = client.open(makeOpen({"true"}, false, "web-1"));
    EXPECT_TRUE(client.run([&] { return client.closed() || rec.done(); }, std::chrono::seconds(10)));
    return rec.exit.has_value();
  }

  // Sends SIGHUP and waits (bounded) for the key reload's outcome, `line`.
  static void reloadAndWaitFor(DaemonProcess& daemon, const std::string& line) {
    size_t before = occurrences(daemon.stderrText(), line);
    ASSERT_EQ(kill(daemon.pid(), SIGHUP), 0);
    auto since = Clock::now();
    while (occurrences(daemon.stderrText(), line) == before &&
           Clock::now() - since < std::chrono::seconds(10)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_GT(occurrences(daemon.stderrText(), line), before)
        << "no '" << line << "' after SIGHUP; stderr:\n" << daemon.stderrText();
  }

  static auth::testing::TokenFactory* old_key_;
  static auth::testing::TokenFactory* new_key_;
  fs::path dir_;
};
auth::testing::TokenFactory* KeyReloadTest::old_key_ = nullptr;
auth::testing::TokenFactory* KeyReloadTest::new_key_ = nullptr;

TEST_F(KeyReloadTest, ARotatedKeyWorksAfterSighupAndTheLiveSessionGoesOn) {
  DaemonProcess daemon({"--config", config()});
  std::string old_token = signedBy(*old_key_);
  std::string new_token = signedBy(*new_key_);
  ASSERT_TRUE(accepted(daemon, old_token));
  EXPECT_FALSE(accepted(daemon, new_token));

  // A session that waits for a line of input, opened with the old key.
  SessionClient live(daemon.url(), 1 << 20, "token=" + old_token);
  uint32_t channel = 0;
  ChannelRecord& session = live.open(makeOpen({"sh", "-c", "read line; echo got-$line"}, false, "web-1"),
                                     &channel);
  ASSERT_TRUE(live.run([&] { return session.opened.has_value() || session.done(); },
                       std::chrono::seconds(10)));
  ASSERT_TRUE(session.opened.has_value()) << (session.error ? session.error->message : "");

  replaceFile(dir_ / "iam.pem", new_key_->publicPem());
  reloadAndWaitFor(daemon, kReloaded);
  EXPECT_NE(daemon.stderrText().find("SIGHUP: the verification keys were reloaded (1 key(s))"),
            std::string::npos);
  EXPECT_TRUE(accepted(daemon, new_token)) << "the new key is not used";
  EXPECT_FALSE(accepted(daemon, old_token)) << "the removed key still verifies tokens";

  // The session opened before the reload still runs and finishes normally.
  std::string input = "after-reload\n";
  ASSERT_TRUE(live.run([&] { return session.stdin_available >= input.size() || session.done(); },
                       std::chrono::seconds(10)));
  ASSERT_EQ(live.connection().sendStdin(
                channel, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(input.data()),
                                                  input.size())),
            input.size());
  ASSERT_TRUE(live.run([&] { return session.done(); }, std::chrono::seconds(10)));
  ASSERT_TRUE(session.exit.has_value()) << (session.error ? session.error->message : "");
  EXPECT_EQ(session.out, "got-after-reload\n");
  EXPECT_FALSE(live.closed());
}

TEST_F(KeyReloadTest, ABrokenOrMissingKeyFileKeepsTheOldKeys) {
  DaemonProcess daemon({"--config", config()});
  std::string old_token = signedBy(*old_key_);
  ASSERT_TRUE(accepted(daemon, old_token));

  replaceFile(dir_ / "iam.pem", "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n");
  reloadAndWaitFor(daemon, kKept);
  EXPECT_NE(daemon.stderrText().find(std::string(kKept) + (dir_ / "iam.pem").string() +
                                     ": not a PEM RSA public key"),
            std::string::npos)
      << daemon.stderrText();
  EXPECT_TRUE(accepted(daemon, old_token)) << "a broken key file replaced the keys";

  fs::remove(dir_ / "iam.pem");
  reloadAndWaitFor(daemon, std::string(kKept) + "cannot open " + (dir_ / "iam.pem").string());
  EXPECT_TRUE(accepted(daemon, old_token));
  EXPECT_TRUE(kill(daemon.pid(), 0) == 0) << "the daemon died";
}

TEST_F(KeyReloadTest, AKeySourceChangedInTheConfigIsUsedFromTheReloadOn) {
  DaemonProcess daemon({"--config", config()});
  std::string old_token = signedBy(*old_key_);
  ASSERT_TRUE(accepted(daemon, old_token));

  // Rotation through a JWKS file holding both keys: both verify meanwhile.
  json both = json::parse(old_key_->jwks("old"));
  both["keys"].push_back(json::parse(new_key_->jwks("new"))["keys"][0]);
  replaceFile(dir_ / "jwks.json", both.dump());
  writeConfig("jwks_file = \"" + (dir_ / "jwks.json").string() + "\"");
  reloadAndWaitFor(daemon, "SIGHUP: the verification keys were reloaded (2 key(s))");
  std::string old_kid = signedBy(*old_key_, {{"kid", "old"}});
  std::string new_kid = signedBy(*new_key_, {{"kid", "new"}});
  EXPECT_TRUE(accepted(daemon, old_kid));
  EXPECT_TRUE(accepted(daemon, new_kid));

  // The rotation ends: only the new key is left.
  replaceFile(dir_ / "jwks.json", new_key_->jwks("new"));
  reloadAndWaitFor(daemon, "SIGHUP: the verification keys were reloaded (1 key(s))");
  EXPECT_TRUE(accepted(daemon, new_kid));
  EXPECT_FALSE(accepted(daemon, old_kid));

  // A config naming two key sources is refused whole; the keys stay.
  writeConfig("jwks_file = \"" + (dir_ / "jwks.json").string() + "\"\npublic_key_file = \"" +
              (dir_ / "iam.pem").string() + "\"");
  reloadAndWaitFor(daemon, "SIGHUP: the verification keys were reloaded (1 key(s))");
  EXPECT_NE(daemon.stderrText().find("SIGHUP: the config was not reloaded"), std::string::npos);
  EXPECT_TRUE(accepted(daemon, new_kid));
}

TEST_F(KeyReloadTest, AJwksUrlIsFetchedAgainAndAFailingOneKeepsTheKeys) {
  IamEmulatorProcess iam(json{{"jwks", json::parse(old_key_->jwks("old"))}});
  writeConfig("jwks_url = \"" + iam.url() + "/acs/api/v1/auth/jwks\"");
  DaemonProcess daemon({"--config", config()});
  std::string old_kid = signedBy(*old_key_, {{"kid", "old"}});
  std::string new_kid = signedBy(*new_key_, {{"kid", "new"}});
  // The first fetch runs in the thread pool after start: wait for it, bounded.
  bool ready = false;
  for (auto since = Clock::now(); !ready && Clock::now() - since < std::chrono::seconds(10);) {
    ready = accepted(daemon, old_kid);
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(ready) << daemon.stderrText();

  iam.setState({{"jwks", json::parse(new_key_->jwks("new"))}});
  reloadAndWaitFor(daemon, "SIGHUP: the verification keys were reloaded (1 key(s))");
  EXPECT_TRUE(accepted(daemon, new_kid));
  EXPECT_FALSE(accepted(daemon, old_kid));

  iam.setState({{"jwks", json::parse(old_key_->jwks("old"))}, {"mode", "500"}});
  reloadAndWaitFor(daemon, std::string(kKept) + "JWKS " + iam.url() + "/acs/api/v1/auth/jwks: HTTP 500");
  EXPECT_TRUE(accepted(daemon, new_kid)) << "a failing JWKS URL replaced the keys";
  iam.stop();
  reloadAndWaitFor(daemon, std::string(kKept) + "JWKS " + iam.url());
  EXPECT_TRUE(accepted(daemon, new_kid));
}

}  // namespace
}  // namespace airlock::testing
