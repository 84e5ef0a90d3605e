// The DC/OS IAM permission source against an emulated IAM over real HTTP
// (tests/iam_emulator): the real airlockd and `airlockd check-access` with
// `auth.iam_url` pointing at it. Decisions follow the IAM's answers (direct
// and group grants, superusers, rids with %252F), a revocation is seen within
// `iam_cache_s`, every failure (500, garbage, wrong shape, hang, closed
// connection, wrong or missing service token, IAM gone) denies, the service
// token goes in every request and never into a log.
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

constexpr char kServiceToken[] = "svc-token-6b1f0c2e9d8a47a5b3c1";

json grant(const std::string& rid, std::vector<std::string> actions) {
  return {{"rid", rid}, {"actions", actions}};
}

// alice: strict exec (no input) on /prod/web, half direct, half through the
// group web; the group's rids are written as the DC/OS CLI prints them
// (%252F) or URL-encoded once (%2F), as IAM answers may carry them.
json baseState() {
  json users = {
      {"alice",
       {{"groups", {"web"}},
        {"grants",
         {grant("dcos:adminrouter:ops:mesos", {"full"}),
          grant("dcos:adminrouter:ops:slave", {"full"})}}}},
      {"ops.bot@example-1",
       {{"grants", {grant("dcos:adminrouter:ops:mesos", {"full"})}}}},
      {"root-admin", {{"groups", {"superusers"}}}},
      {"boss", {{"grants", {grant("dcos:superuser", {"full"})}}}},
  };
  json groups = {
      {"web",
       {{"grants",
         {grant("dcos:mesos:agent:container:app_id:%252Fprod%252Fweb", {"read"}),
          grant("dcos:mesos:agent:nested_container_session:app_id:%252Fprod%252Fweb", {"create"}),
          grant("dcos:mesos:master:executor:app_id:%2Fprod%2Fweb", {"read"}),
          grant("dcos:mesos:master:task:app_id:/prod/web", {"read"}),
          grant("dcos:mesos:master:framework:role:*", {"read"})}}}},
      {"superusers", {{"grants", json::array()}}},
  };
  return {{"service_token", kServiceToken}, {"mode", "ok"}, {"users", users}, {"groups", groups}};
}

class IamEndpointTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { keys_ = new auth::testing::TokenFactory(); }
  static void TearDownTestSuite() { delete keys_; }

  void SetUp() override {
    dir_ = testDir("airlock-iam-test");
    writeFile(dir_ / "iam.pem", keys_->publicPem());
    writeFile(dir_ / "service-token", std::string(kServiceToken) + "\n");
    iam_ = std::make_unique<IamEmulatorProcess>(baseState());
  }
  void TearDown() override {
    iam_.reset();
    fs::remove_all(dir_);
  }

  // The daemon's config: strict mode, permissions from the emulated IAM.
  std::string config(int cache_s, bool with_service_token = true) {
    std::string path = (dir_ / "airlockd.toml").string();
    writeFile(path, R"([auth]
mode = "strict"
public_key_file = ")" + (dir_ / "iam.pem").string() + R"("
iam_url = ")" + iam_->url() + R"("
iam_token_file = ")" + (with_service_token ? (dir_ / "service-token").string() : "") + R"("
iam_cache_s = )" + std::to_string(cache_s) + R"(
http_timeout_ms = 500
audit_log = ")" + (dir_ / "audit.jsonl").string() + R"("

)" + webTargetsToml());
    return path;
  }

  static std::string tokenFor(const std::string& uid) {
    return keys_->rs256({{"uid", uid}, {"exp", static_cast<int64_t>(time(nullptr)) + 3600}});
  }

  // Asks the daemon CAN_I for `uid` and waits for the DECISION.
  static v1::Decision ask(SessionClient& client, const std::string& operation,
                          const std::string& target) {
    std::optional<v1::Decision> answer;
    v1::CanI question;
    question.set_operation(operation);
    question.set_target(target);
    EXPECT_TRUE(client.connection().canI(question, [&](Result<v1::Decision> d) {
      if (d) answer = *d;
    }));
    EXPECT_TRUE(client.run([&] { return answer.has_value() || client.closed(); },
                           std::chrono::seconds(10)));
    return answer.value_or(v1::Decision());
  }

  // Neither the daemon's log nor the audit log holds the service token.
  void expectTokenNotLogged(const DaemonProcess& daemon) {
    EXPECT_EQ(daemon.stderrText().find(kServiceToken), std::string::npos) << "the service token leaked";
    EXPECT_EQ(readFile(dir_ / "audit.jsonl").find(kServiceToken), std::string::npos);
  }

  static auth::testing::TokenFactory* keys_;
  fs::path dir_;
  std::unique_ptr<IamEmulatorProcess> iam_;
};
auth::testing::TokenFactory* IamEndpointTest::keys_ = nullptr;

TEST_F(IamEndpointTest, IamAnswersDecideOpensAndCanI) {
  DaemonProcess daemon({"--config", config(5), "--log-level", "debug"});
  SessionClient alice(daemon.url(), 1 << 20, "token=" + tokenFor("alice"));

  v1::Open open = makeOpen({"sh", "-c", "echo hello-$AIRLOCK_TARGET"}, false, "web-1");
  open.set_no_stdin(true);
  ChannelRecord& exec = alice.open(open);
  ASSERT_TRUE(alice.run([&] { return exec.done(); }, std::chrono::seconds(10)));
  ASSERT_TRUE(exec.exit.has_value()) << (exec.error ? exec.error->message : "");
  EXPECT_EQ(exec.out, "hello-web-1\n");

  v1::Decision allowed = ask(alice, "exec", "web-1");
  EXPECT_EQ(allowed.verdict(), "allow") << allowed.rule();
  EXPECT_NE(allowed.rule().find("(group web (IAM))"), std::string::npos) << allowed.rule();
  EXPECT_NE(allowed.rule().find("(user alice (IAM))"), std::string::npos) << allowed.rule();

  // A PTY needs `container ... update`, which the IAM does not grant alice.
  v1::Decision tty = ask(alice, "exec-tty", "web-1");
  EXPECT_EQ(tty.verdict(), "deny");
  EXPECT_NE(tty.rule().find("dcos:mesos:agent:container:app_id:/prod/web update"), std::string::npos)
      << tty.rule();
  // The %252F-encoded grant on /prod/web covers neither /prod/web2 ...
  v1::Decision sibling = ask(alice, "exec", "web2-1");
  EXPECT_EQ(sibling.verdict(), "deny") << sibling.rule();
  EXPECT_NE(sibling.rule().find("app_id:/prod/web2"), std::string::npos) << sibling.rule();
  // ... nor does a refused OPEN start anything.
  v1::Open sibling_open = open;
  sibling_open.set_target("web2-1");
  ChannelRecord& refused = alice.open(sibling_open);
  ASSERT_TRUE(alice.run([&] { return refused.done(); }, std::chrono::seconds(10)));
  ASSERT_TRUE(refused.error.has_value());
  EXPECT_EQ(refused.error->code, v1::FORBIDDEN);

  // Superusers: the group `superusers`, or any action on dcos:superuser.
  SessionClient root_admin(daemon.url(), 1 << 20, "token=" + tokenFor("root-admin"));
  v1::Decision by_group = ask(root_admin, "exec-tty", "web2-1");
  EXPECT_EQ(by_group.verdict(), "allow");
  EXPECT_EQ(by_group.rule(), "member of group superusers");
  SessionClient boss(daemon.url(), 1 << 20, "token=" + tokenFor("boss"));
  v1::Decision by_rid = ask(boss, "exec-tty", "web2-1");
  EXPECT_EQ(by_rid.verdict(), "allow");
  EXPECT_EQ(by_rid.rule(), "dcos:superuser (user boss (IAM))");

  // A uid the IAM does not know: its 400 fails closed.
  SessionClient mallory(daemon.url(), 1 << 20, "token=" + tokenFor("mallory"));
  v1::Decision unknown = ask(mallory, "exec", "web-1");
  EXPECT_EQ(unknown.verdict(), "deny");
  EXPECT_NE(unknown.rule().find("fail closed"), std::string::npos) << unknown.rule();
  EXPECT_NE(unknown.rule().find("HTTP 400"), std::string::npos) << unknown.rule();

  // uids are in the IAM alphabet and go into the path as they are.
  SessionClient bot(daemon.url(), 1 << 20, "token=" + tokenFor("ops.bot@example-1"));
  EXPECT_EQ(ask(bot, "exec", "web-1").verdict(), "deny");

  std::set<std::string> targets;
  for (const json& r : iam_->requests()) {
    EXPECT_EQ(r["method"], "GET");
    EXPECT_EQ(r["token"], "ok") << r.dump();
    targets.insert(r["target"].get<std::string>());
  }
  for (std::string uid : {"alice", "root-admin", "boss", "ops.bot@example-1"}) {
    EXPECT_TRUE(targets.contains("/acs/api/v1/users/" + uid + "/permissions")) << uid;
    EXPECT_TRUE(targets.contains("/acs/api/v1/users/" + uid + "/groups")) << uid;
  }
  // Within the cache time alice was fetched once, for many questions.
  size_t alice_fetches = 0;
  for (const json& r : iam_->requests()) {
    alice_fetches += r["target"] == "/acs/api/v1/users/alice/permissions";
  }
  EXPECT_EQ(alice_fetches, 1u);
  expectTokenNotLogged(daemon);
}

TEST_F(IamEndpointTest, RevocationIsSeenWithinTheCacheTime) {
  constexpr int kCacheSeconds = 2;
  DaemonProcess daemon({"--config", config(kCacheSeconds)});
  SessionClient alice(daemon.url(), 1 << 20, "token=" + tokenFor("alice"));
  ASSERT_EQ(ask(alice, "exec", "web-1").verdict(), "allow");

  json revoked = baseState();
  revoked["users"]["alice"]["groups"] = json::array();  // Removed from the group web.
  iam_->setState(revoked);
  auto since = Clock::now();
  v1::Decision d;
  while (Clock::now() - since < std::chrono::seconds(kCacheSeconds + 5)) {
    d = ask(alice, "exec", "web-1");
    if (d.verdict() != "allow") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since);
  EXPECT_EQ(d.verdict(), "deny") << d.rule();
  EXPECT_NE(d.rule().find("dcos:mesos:agent:container:app_id:/prod/web read"), std::string::npos)
      << d.rule();
  // The cache time, plus one question's round trip and one poll interval.
  EXPECT_LE(took.count(), kCacheSeconds * 1000 + 1000) << "revocation seen after " << took.count() << " ms";

  // And a new grant shows up the same way.
  iam_->setState(baseState());
  since = Clock::now();
  while (Clock::now() - since < std::chrono::seconds(kCacheSeconds + 5)) {
    d = ask(alice, "exec", "web-1");
    if (d.verdict() == "allow") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(d.verdict(), "allow") << d.rule();
  EXPECT_LE(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count(),
            kCacheSeconds * 1000 + 1000);
}

TEST_F(IamEndpointTest, EveryFailureOfTheIamDenies) {
  DaemonProcess daemon({"--config", config(0), "--log-level", "debug"});  // No cache.
  SessionClient alice(daemon.url(), 1 << 20, "token=" + tokenFor("alice"));
  ASSERT_EQ(ask(alice, "exec", "web-1").verdict(), "allow");

  struct Case {
    std::string mode;
    std::string why;  // Part of the reason the daemon gives.
  };
  for (const Case& c : {Case{"500", "HTTP 500"}, Case{"garbage", "not JSON"},
                        Case{"wrong-shape", "IAM:"}, Case{"hang", "IAM:"},
                        Case{"close", "IAM:"}}) {
    json state = baseState();
    state["mode"] = c.mode;
    iam_->setState(state);
    auto started = Clock::now();
    v1::Decision d = ask(alice, "exec", "web-1");
    EXPECT_EQ(d.verdict(), "deny") << c.mode << ": " << d.rule();
    EXPECT_NE(d.rule().find("the permission source failed (fail closed)"), std::string::npos)
        << c.mode << ": " << d.rule();
    EXPECT_NE(d.rule().find(c.why), std::string::npos) << c.mode << ": " << d.rule();
    // A hanging IAM costs one http_timeout_ms (500 ms), not the loop.
    EXPECT_LT(Clock::now() - started, std::chrono::seconds(5)) << c.mode;
  }
  // An OPEN is refused the same way, with nothing started.
  json failing = baseState();
  failing["mode"] = "500";
  iam_->setState(failing);
  v1::Open open = makeOpen({"true"}, false, "web-1");
  open.set_no_stdin(true);
  ChannelRecord& refused = alice.open(open);
  ASSERT_TRUE(alice.run([&] { return refused.done(); }, std::chrono::seconds(10)));
  ASSERT_TRUE(refused.error.has_value());
  EXPECT_EQ(refused.error->code, v1::FORBIDDEN);
  EXPECT_NE(refused.error->message.find("fail closed"), std::string::npos) << refused.error->message;

  // The IAM wants another service token: its 401 denies.
  json other_token = baseState();
  other_token["service_token"] = "some-other-token";
  iam_->setState(other_token);
  v1::Decision wrong = ask(alice, "exec", "web-1");
  EXPECT_EQ(wrong.verdict(), "deny");
  EXPECT_NE(wrong.rule().find("HTTP 401"), std::string::npos) << wrong.rule();
  EXPECT_EQ(iam_->requests().back()["token"], "wrong");

  // The IAM goes away: connections are refused, and that denies too.
  iam_->setState(baseState());
  ASSERT_EQ(ask(alice, "exec", "web-1").verdict(), "allow");
  iam_->stop();
  v1::Decision gone = ask(alice, "exec", "web-1");
  EXPECT_EQ(gone.verdict(), "deny");
  EXPECT_NE(gone.rule().find("fail closed"), std::string::npos) << gone.rule();
  EXPECT_TRUE(daemon.running());
  expectTokenNotLogged(daemon);
}

TEST_F(IamEndpointTest, WithoutAServiceTokenTheIamRefusesAndTheDaemonDenies) {
  DaemonProcess daemon({"--config", config(5, /*with_service_token=*/false)});
  SessionClient alice(daemon.url(), 1 << 20, "token=" + tokenFor("alice"));
  v1::Decision d = ask(alice, "exec", "web-1");
  EXPECT_EQ(d.verdict(), "deny");
  EXPECT_NE(d.rule().find("HTTP 401"), std::string::npos) << d.rule();
  ASSERT_FALSE(iam_->requests().empty());
  EXPECT_EQ(iam_->requests().front()["token"], "missing");
}

TEST_F(IamEndpointTest, CheckAccessAsksTheSameIam) {
  std::string cfg = config(5);
  auto check = [&](const std::string& uid, const std::string& op, const std::string& app_id) {
    return runCommand({daemonPath(), "check-access", "--config", cfg, "--token", tokenFor(uid),
                       "--operation", op, "--app-id", app_id, "--task-user", currentUser()});
  };
  CommandResult allowed = check("alice", "exec", "/prod/web");
  EXPECT_EQ(allowed.exitCode(), 0) << allowed.out << allowed.err;
  EXPECT_NE(allowed.out.find("allow: strict mode:"), std::string::npos) << allowed.out;
  CommandResult sibling = check("alice", "exec", "/prod/web2");
  EXPECT_EQ(sibling.exitCode(), 1) << sibling.out;
  CommandResult superuser = check("root-admin", "exec-tty", "/prod/web2");
  EXPECT_EQ(superuser.exitCode(), 0) << superuser.out;

  json failing = baseState();
  failing["mode"] = "garbage";
  iam_->setState(failing);
  CommandResult garbage = check("alice", "exec", "/prod/web");
  EXPECT_EQ(garbage.exitCode(), 1) << garbage.out;
  EXPECT_NE(garbage.out.find("fail closed"), std::string::npos) << garbage.out;
  for (const CommandResult* r : {&allowed, &sibling, &superuser, &garbage}) {
    EXPECT_EQ((r->out + r->err).find(kServiceToken), std::string::npos);
  }
  for (const json& r : iam_->requests()) EXPECT_EQ(r["token"], "ok") << r.dump();
}

}  // namespace
}  // namespace airlock::testing
