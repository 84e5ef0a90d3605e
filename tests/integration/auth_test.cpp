// Authentication and authorization end to end: the real airlockd with a PEM
// key and a policy file, the real client library presenting tokens signed at
// test time, and `airlockd check-access` exit codes.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "command.h"
#include "daemon_process.h"
#include "session_client.h"
#include "token_factory.h"
#include "test_files.h"

namespace airlock::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const char* kPolicy = R"(# alice: strict exec (no input) on /prod/web and below
dcos security org users grant alice dcos:adminrouter:ops:mesos full
dcos security org users grant alice dcos:adminrouter:ops:slave full
dcos security org groups grant web dcos:mesos:agent:container:app_id:/prod/web read
dcos security org groups grant web dcos:mesos:agent:nested_container_session:app_id:/prod/web create
dcos security org groups grant web dcos:mesos:master:executor:app_id:/prod/web read
dcos security org groups grant web dcos:mesos:master:task:app_id:/prod/web read
dcos security org groups grant web dcos:mesos:master:framework:role:* read
dcos security org groups add_user web alice
dcos security org users grant root-admin dcos:superuser full
)";

class AuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { keys_ = new auth::testing::TokenFactory(); }
  static void TearDownTestSuite() { delete keys_; }

  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("airlock-auth-test-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    writeFile(dir_ / "iam.pem", keys_->publicPem());
    writeFile(dir_ / "policy", kPolicy);
    writeFile(dir_ / "airlockd.toml", R"([auth]
mode = "strict"
public_key_file = ")" + (dir_ / "iam.pem").string() + R"("
policy_file = ")" + (dir_ / "policy").string() + R"("
audit_log = ")" + (dir_ / "audit.jsonl").string() + R"("

)" + webTargetsToml());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string config() const { return (dir_ / "airlockd.toml").string(); }
  static std::string tokenFor(const std::string& uid, int64_t exp_offset = 3600) {
    return keys_->rs256({{"uid", uid}, {"exp", static_cast<int64_t>(time(nullptr)) + exp_offset}});
  }

  static auth::testing::TokenFactory* keys_;
  fs::path dir_;
};
auth::testing::TokenFactory* AuthTest::keys_ = nullptr;

v1::Open execOpen(const std::string& target, bool no_stdin, bool tty = false) {
  v1::Open open = makeOpen({"sh", "-c", "echo hello-$AIRLOCK_TARGET"}, tty, target);
  open.set_no_stdin(no_stdin);
  return open;
}

TEST_F(AuthTest, UnauthenticatedUpgradesAreRefusedBeforeAnySession) {
  DaemonProcess daemon({"--config", config()});
  for (std::string header : {std::string(), std::string("garbage"), "token=" + tokenFor("alice", -5),
                             "token=" + auth::testing::TokenFactory::hs256(
                                            {{"alg", "HS256"}, {"typ", "JWT"}},
                                            {{"uid", "alice"}, {"exp", time(nullptr) + 60}},
                                            keys_->publicPem())}) {
    SessionClient client(daemon.url(), 1 << 20, header);
    ChannelRecord& rec = client.open(execOpen("web-1", true));
    ASSERT_TRUE(client.run([&] { return client.closed() || rec.done(); }, std::chrono::seconds(10)));
    EXPECT_TRUE(client.closed()) << header;
    EXPECT_FALSE(rec.opened.has_value()) << header;
  }
  std::string audit = readFile(dir_ / "audit.jsonl");
  EXPECT_NE(audit.find("\"decision\":\"unauthenticated\""), std::string::npos) << audit;
  EXPECT_EQ(audit.find(tokenFor("alice", -5).substr(0, 40)), std::string::npos);
}

TEST_F(AuthTest, StrictPermissionsDecideEachOpen) {
  DaemonProcess daemon({"--config", config()});
  std::string token = tokenFor("alice");
  SessionClient client(daemon.url(), 1 << 20, "token=" + token);

  ChannelRecord& exec = client.open(execOpen("web-1", true));
  ASSERT_TRUE(client.run([&] { return exec.done(); }, std::chrono::seconds(10)));
  ASSERT_TRUE(exec.exit.has_value()) << (exec.error ? exec.error->message : "");
  EXPECT_EQ(exec.out, "hello-web-1\n");

  // Input and a PTY need `container ... update`, which alice lacks.
  for (bool tty : {false, true}) {
    ChannelRecord& denied = client.open(execOpen("web-1", false, tty));
    ASSERT_TRUE(client.run([&] { return denied.done(); }, std::chrono::seconds(10)));
    ASSERT_TRUE(denied.error.has_value());
    EXPECT_EQ(denied.error->code, v1::FORBIDDEN);
    EXPECT_NE(denied.error->message.find("deny: strict mode: exec-"), std::string::npos)
        << denied.error->message;
    EXPECT_NE(denied.error->message.find("app_id:/prod/web update"), std::string::npos);
  }

  // A grant on /prod/web says nothing about the sibling /prod/web2.
  ChannelRecord& sibling = client.open(execOpen("web2-1", true));
  ASSERT_TRUE(client.run([&] { return sibling.done(); }, std::chrono::seconds(10)));
  ASSERT_TRUE(sibling.error.has_value());
  EXPECT_EQ(sibling.error->code, v1::FORBIDDEN);

  // Run-as another user is a privilege of its own.
  v1::Open as_root = execOpen("web-1", true);
  as_root.set_user("daemon");
  ChannelRecord& other_user = client.open(as_root);
  ASSERT_TRUE(client.run([&] { return other_user.done(); }, std::chrono::seconds(10)));
  ASSERT_TRUE(other_user.error.has_value());
  EXPECT_NE(other_user.error->message.find("nested_container_session:user:daemon"), std::string::npos);

  std::string audit = readFile(dir_ / "audit.jsonl");
  EXPECT_NE(audit.find("\"event\":\"session_start\""), std::string::npos);
  EXPECT_NE(audit.find("\"decision\":\"deny\""), std::string::npos);
  EXPECT_EQ(audit.find(token.substr(0, 40)), std::string::npos) << "the token leaked";
}

TEST_F(AuthTest, NoStdinSessionsRefuseInput) {
  DaemonProcess daemon({"--config", config()});
  SessionClient client(daemon.url(), 1 << 20, "Bearer " + tokenFor("alice"));
  v1::Open open = makeOpen({"sleep", "5"}, false, "web-1");
  open.set_no_stdin(true);
  uint32_t channel = 0;
  ChannelRecord& rec = client.open(open, &channel);
  ASSERT_TRUE(client.run([&] { return rec.opened.has_value() || rec.done(); }, std::chrono::seconds(10)));
  ASSERT_TRUE(rec.opened.has_value());
  std::string frame = proto::encodeFrame(proto::FrameType::kStdin, channel,
                                         std::span<const uint8_t>(reinterpret_cast<const uint8_t*>("x"), 1));
  ASSERT_TRUE(client.connection().sendRawFrame(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(frame.data()), frame.size())));
  ASSERT_TRUE(client.run([&] { return rec.done(); }, std::chrono::seconds(10)));
  ASSERT_TRUE(rec.error.has_value());
  EXPECT_EQ(rec.error->code, v1::FORBIDDEN);
}

// Watching needs `watch` on the session's target (strict: adminrouter slave +
// container read on its app id), decided for the watcher, not the owner.
TEST_F(AuthTest, WatchingASessionIsAuthorizedForTheWatcher) {
  DaemonProcess daemon({"--config", config()});
  SessionClient owner(daemon.url(), 1 << 20, "token=" + tokenFor("root-admin"));
  v1::Open open = makeOpen({"sleep", "30"}, false, "web-1");
  open.set_no_stdin(true);
  uint32_t owner_channel = 0;
  ChannelRecord& run = owner.open(open, &owner_channel);
  ASSERT_TRUE(owner.run([&] { return run.opened.has_value() || run.done(); }, std::chrono::seconds(10)));
  ASSERT_TRUE(run.opened.has_value()) << (run.error ? run.error->message : "");
  v1::Open watch;
  watch.set_watch_session(run.opened->session_id());

  SessionClient alice(daemon.url(), 1 << 20, "token=" + tokenFor("alice"));
  ChannelRecord& allowed = alice.open(watch);
  ASSERT_TRUE(alice.run([&] { return allowed.opened.has_value() || allowed.done(); }, std::chrono::seconds(10)));
  EXPECT_TRUE(allowed.opened.has_value()) << (allowed.error ? allowed.error->message : "");

  SessionClient bob(daemon.url(), 1 << 20, "token=" + tokenFor("bob"));
  ChannelRecord& denied = bob.open(watch);
  ASSERT_TRUE(bob.run([&] { return denied.done(); }, std::chrono::seconds(10)));
  ASSERT_TRUE(denied.error.has_value());
  EXPECT_EQ(denied.error->code, v1::FORBIDDEN);
  EXPECT_NE(denied.error->message.find("deny: "), std::string::npos) << denied.error->message;

  ASSERT_TRUE(owner.connection().closeChannel(owner_channel).ok());
  for (int i = 0; i < 100 && !allowed.done(); ++i) {
    owner.run([] { return false; }, std::chrono::milliseconds(50));
    alice.run([&] { return allowed.done(); }, std::chrono::milliseconds(50));
  }
  // The audit trail has the watcher's decision and its watch.
  std::string audit = readFile(dir_ / "audit.jsonl");
  EXPECT_NE(audit.find("\"event\":\"watch_start\""), std::string::npos) << audit;
  EXPECT_NE(audit.find("\"operation\":\"watch\""), std::string::npos) << audit;
}

TEST_F(AuthTest, SuperuserAndCanIAnswerThroughTheSameCode) {
  DaemonProcess daemon({"--config", config()});
  SessionClient admin(daemon.url(), 1 << 20, "token=" + tokenFor("root-admin"));
  ChannelRecord& tty = admin.open(execOpen("web2-1", false, true));
  ASSERT_TRUE(admin.run([&] { return tty.done(); }, std::chrono::seconds(10)));
  EXPECT_TRUE(tty.exit.has_value()) << (tty.error ? tty.error->message : "");

  SessionClient alice(daemon.url(), 1 << 20, "token=" + tokenFor("alice"));
  std::vector<v1::Decision> answers;
  for (std::string op : {"exec", "exec-tty", "watch", "fly"}) {
    v1::CanI q;
    q.set_operation(op);
    q.set_target("web-1");
    ASSERT_TRUE(alice.connection().canI(q, [&](Result<v1::Decision> d) {
      ASSERT_TRUE(d) << d.error().message;
      answers.push_back(*d);
    }));
  }
  ASSERT_TRUE(alice.run([&] { return answers.size() == 4; }, std::chrono::seconds(10)));
  EXPECT_EQ(answers[0].verdict(), "allow");
  EXPECT_NE(answers[0].rule().find("group web"), std::string::npos) << answers[0].rule();
  EXPECT_EQ(answers[1].verdict(), "deny");
  EXPECT_EQ(answers[2].verdict(), "allow");
  EXPECT_EQ(answers[3].verdict(), "deny");
}

TEST_F(AuthTest, CanICommandPrintsTheDecisionAndExitsWithIt) {
  DaemonProcess daemon({"--config", config()});
  writeFile(dir_ / "alice.token", tokenFor("alice") + "\n");
  auto canI = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {clientPath(), "--url", daemon.url(), "--token-file",
                                     (dir_ / "alice.token").string(), "can-i"};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv);
  };
  auto allowed = canI({"--operation", "exec", "web-1"});
  EXPECT_EQ(allowed.exitCode(), 0) << allowed.err;
  EXPECT_EQ(allowed.out.rfind("allow: ", 0), 0u) << allowed.out;
  auto denied = canI({"--operation", "exec-tty", "web-1"});
  EXPECT_EQ(denied.exitCode(), 1) << denied.err;
  EXPECT_EQ(denied.out.rfind("deny: ", 0), 0u) << denied.out;
  // No token at all: the upgrade itself is refused.
  auto anonymous = runCommand({clientPath(), "--url", daemon.url(), "can-i", "web-1"});
  EXPECT_EQ(anonymous.exitCode(), 125);
  EXPECT_EQ(anonymous.out, "");
}

TEST_F(AuthTest, SighupReloadsThePolicy) {
  DaemonProcess daemon({"--config", config()});
  std::string bob = "token=" + tokenFor("bob");
  {
    SessionClient client(daemon.url(), 1 << 20, bob);
    ChannelRecord& rec = client.open(execOpen("web-1", true));
    ASSERT_TRUE(client.run([&] { return rec.done(); }, std::chrono::seconds(10)));
    ASSERT_TRUE(rec.error.has_value());
  }
  writeFile(dir_ / "policy.bad", "dcos security org users grant bob dcos:superuser fly\n");
  fs::rename(dir_ / "policy.bad", dir_ / "policy");
  kill(daemon.pid(), SIGHUP);  // A bad file is refused; the old policy stays.
  writeFile(dir_ / "policy.new", std::string(kPolicy) +
                                          "dcos security org groups add_user web bob\n"
                                          "dcos security org users grant bob dcos:adminrouter:ops:mesos full\n"
                                          "dcos security org users grant bob dcos:adminrouter:ops:slave full\n");
  usleep(200 * 1000);
  {
    SessionClient client(daemon.url(), 1 << 20, bob);
    ChannelRecord& rec = client.open(execOpen("web-1", true));
    ASSERT_TRUE(client.run([&] { return rec.done(); }, std::chrono::seconds(10)));
    ASSERT_TRUE(rec.error.has_value()) << "a bad policy file must not grant anything";
  }
  fs::rename(dir_ / "policy.new", dir_ / "policy");
  kill(daemon.pid(), SIGHUP);
  bool allowed = false;
  for (int i = 0; i < 50 && !allowed; ++i) {
    usleep(100 * 1000);
    SessionClient client(daemon.url(), 1 << 20, bob);
    ChannelRecord& rec = client.open(execOpen("web-1", true));
    ASSERT_TRUE(client.run([&] { return rec.done(); }, std::chrono::seconds(10)));
    allowed = rec.exit.has_value();
  }
  EXPECT_TRUE(allowed);
  EXPECT_NE(daemon.stderrText().find("was not reloaded"), std::string::npos);
}

TEST_F(AuthTest, NonLoopbackListenNeedsAuthOrTheInsecureFlag) {
  auto without = runCommand({daemonPath(), "--listen", "0.0.0.0:0"}, {}, std::chrono::seconds(10));
  EXPECT_EQ(without.exitCode(), 64) << without.err;
  DaemonProcess with_auth({"--config", config(), "-o", "server.listen=\"0.0.0.0:0\""});
  EXPECT_TRUE(with_auth.running());
}

TEST_F(AuthTest, CheckAccessExitCodes) {
  std::string token = tokenFor("alice");
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {daemonPath(), "check-access", "--config", config()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return runCommand(argv, {}, std::chrono::seconds(10));
  };
  auto allow = run({"--token", token, "--operation", "exec", "--app-id", "/prod/web/x"});
  EXPECT_EQ(allow.exitCode(), 0) << allow.err;
  EXPECT_EQ(allow.out.rfind("allow: strict mode: ", 0), 0u) << allow.out;
  EXPECT_EQ(std::count(allow.out.begin(), allow.out.end(), '\n'), 1);
  auto deny = run({"--authorization", "token=" + token, "--operation", "exec-tty", "--app-id", "/prod/web"});
  EXPECT_EQ(deny.exitCode(), 1) << deny.err;
  EXPECT_EQ(deny.out.rfind("deny: ", 0), 0u) << deny.out;
  writeFile(dir_ / "token", tokenFor("alice", -1) + "\n");
  auto expired = run({"--token-file", (dir_ / "token").string(), "--operation", "exec", "--app-id", "/prod/web"});
  EXPECT_EQ(expired.exitCode(), 2) << expired.err;
  EXPECT_EQ(expired.out.rfind("unauthenticated: the token expired", 0), 0u) << expired.out;
  EXPECT_EQ(run({"--operation", "exec", "--app-id", "/prod/web"}).exitCode(), 64);
  EXPECT_EQ(run({"--token", token, "--operation", "sudo", "--app-id", "/p"}).exitCode(), 64);
  EXPECT_EQ(run({"--token", token, "--token-file", "x", "--operation", "exec", "--app-id", "/p"}).exitCode(), 64);
  // -o overrides config keys: permissive mode allows a PTY with the ops pair.
  auto permissive = run({"-o", "auth.mode=permissive", "--token", token, "--operation", "exec-tty",
                         "--app-id", "/elsewhere"});
  EXPECT_EQ(permissive.exitCode(), 0) << permissive.out << permissive.err;
  auto unknown_key = run({"-o", "auth.colour=blue", "--token", token, "--operation", "exec", "--app-id", "/p"});
  EXPECT_EQ(unknown_key.exitCode(), 78);
  EXPECT_NE(unknown_key.err.find("auth.colour"), std::string::npos);
}

}  // namespace
}  // namespace airlock::testing
