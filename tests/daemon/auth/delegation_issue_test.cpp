// Issuing delegation tokens end to end: the real airlockd with label rules
// and a delegation secret, the real `airlock delegate` asking it over the
// WebSocket (DELEGATE -> DELEGATION), and the delegate using the token with
// `airlock exec --delegation` and `airlock can-i`. Only super admins get
// tokens, never longer than delegation_max_lifetime_s; a token opens its one
// task for its one user until it expires.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "auth/delegation.h"
#include "command.h"
#include "daemon_process.h"
#include "token_factory.h"
#include "test_files.h"

namespace airlock::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kSecret[] = "delegation-secret-0123456789abcdef-0123456789";

// The audit log's events that match every key of `want`.
size_t countEvents(const fs::path& audit, const nlohmann::json& want) {
  size_t n = 0;
  std::ifstream in(audit);
  std::string line;
  while (std::getline(in, line)) {
    nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
    bool match = event.is_object();
    for (const auto& [key, value] : want.items()) match = match && event.value(key, nlohmann::json()) == value;
    n += match;
  }
  return n;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// alice may exec on /prod/web; root-admin is a DC/OS superuser; boss is a
// label rules super admin; harry and bob hold nothing.
const char* kPolicy = R"(dcos security org users grant alice dcos:adminrouter:ops:mesos full
dcos security org users grant alice dcos:adminrouter:ops:slave full
dcos security org users grant alice dcos:mesos:agent:container:app_id:/prod/web read
dcos security org users grant alice dcos:mesos:agent:nested_container_session:app_id:/prod/web create
dcos security org users grant alice dcos:mesos:master:executor:app_id:/prod/web read
dcos security org users grant alice dcos:mesos:master:task:app_id:/prod/web read
dcos security org users grant alice dcos:mesos:master:framework:role:* read
dcos security org users grant root-admin dcos:superuser full
)";

class DelegationIssueTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { keys_ = new auth::testing::TokenFactory(); }
  static void TearDownTestSuite() { delete keys_; }

  void SetUp() override {
    dir_ = testDir("airlock-delegation-test");
    writeFile(dir_ / "iam.pem", keys_->publicPem());
    writeFile(dir_ / "policy", kPolicy);
    writeFile(dir_ / "secret", kSecret);
    writeFile(dir_ / "airlockd.toml", R"([auth]
mode = "strict"
public_key_file = ")" + (dir_ / "iam.pem").string() + R"("
policy_file = ")" + (dir_ / "policy").string() + R"("
audit_log = ")" + (dir_ / "audit.jsonl").string() + R"("

[auth.label_rules]
enabled = true
# The targets run as the test's own user, root under CI, and the root rule
# (which delegates do not skip) would refuse everyone but super admins; it
# has its own rows in decision_table_test.
root_rule = false
super_admin_users = ["boss"]
delegation_secret_file = ")" + (dir_ / "secret").string() + R"("
delegation_max_lifetime_s = 3600

)" + webTargetsToml());
    for (std::string uid : {"boss", "root-admin", "alice", "harry", "bob"}) {
      writeFile(dir_ / (uid + ".jwt"),
                keys_->rs256({{"uid", uid}, {"exp", static_cast<int64_t>(time(nullptr)) + 3600}}));
    }
    daemon_ = std::make_unique<DaemonProcess>(
        std::vector<std::string>{"--config", (dir_ / "airlockd.toml").string()});
  }
  void TearDown() override {
    daemon_.reset();
    fs::remove_all(dir_);
  }

  // `airlock --url URL --token-file UID.jwt ARGS...`.
  CommandResult airlock(const std::string& uid, std::vector<std::string> args) {
    std::vector<std::string> argv = {clientPath(), "--url", daemon_->url(), "--token-file",
                                     (dir_ / (uid + ".jwt")).string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv, "", std::chrono::seconds(20));
  }

  static auth::testing::TokenFactory* keys_;
  fs::path dir_;
  std::unique_ptr<DaemonProcess> daemon_;
};
auth::testing::TokenFactory* DelegationIssueTest::keys_ = nullptr;

TEST_F(DelegationIssueTest, SuperAdminDelegatesOneTaskToOneUser) {
  CommandResult issued = airlock("boss", {"delegate", "web-1", "--to", "harry", "--for", "10m"});
  ASSERT_EQ(issued.exitCode(), 0) << issued.err;
  std::string token = trimmed(issued.out);
  ASSERT_EQ(std::count(token.begin(), token.end(), '.'), 2) << "not a JWT: " << token;
  EXPECT_NE(issued.err.find("delegation for harry on task web-1 until"), std::string::npos)
      << issued.err;

  // The token's claims: this task, this delegate, this issuer, 10 minutes.
  auto claims = auth::verifyDelegation(kSecret, token, time(nullptr), 3600);
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->task_id, "web-1");
  EXPECT_EQ(claims->delegate, "harry");
  EXPECT_EQ(claims->issuer, "boss");
  EXPECT_EQ(claims->expires_at - claims->issued_at, 600);

  // harry holds no grant: without the token he is refused, with it he runs
  // a session on web-1 ...
  CommandResult without = airlock("harry", {"exec", "web-1", "--", "echo", "in-web-1"});
  EXPECT_EQ(without.exitCode(), 125);
  EXPECT_NE(without.err.find("deny:"), std::string::npos) << without.err;
  CommandResult with = airlock("harry", {"exec", "--delegation", token, "web-1", "--", "sh", "-c",
                                         "echo in-$AIRLOCK_TARGET"});
  EXPECT_EQ(with.exitCode(), 0) << with.err;
  EXPECT_EQ(with.out, "in-web-1\n");
  CommandResult can = airlock("harry", {"can-i", "--delegation", token, "web-1"});
  EXPECT_EQ(can.exitCode(), 0) << can.out;
  EXPECT_NE(can.out.find("allow: delegation from boss for task web-1"), std::string::npos) << can.out;

  // ... and on no other task, as no other user, and as the task user only.
  CommandResult other_task = airlock("harry", {"exec", "--delegation", token, "web2-1", "--", "true"});
  EXPECT_EQ(other_task.exitCode(), 125);
  EXPECT_NE(other_task.err.find("delegation refused: it is for another task"), std::string::npos)
      << other_task.err;
  CommandResult other_user = airlock("bob", {"exec", "--delegation", token, "web-1", "--", "true"});
  EXPECT_EQ(other_user.exitCode(), 125);
  EXPECT_NE(other_user.err.find("delegation refused: it is for another user"), std::string::npos)
      << other_user.err;
  CommandResult run_as = airlock("harry", {"can-i", "--delegation", token, "-u", "daemon", "web-1"});
  EXPECT_EQ(run_as.exitCode(), 1) << run_as.out;

  // A DC/OS superuser may delegate too.
  CommandResult by_superuser = airlock("root-admin", {"delegate", "--to", "bob", "web2-1"});
  EXPECT_EQ(by_superuser.exitCode(), 0) << by_superuser.err;

  // Issuing is audited; tokens are in no log.
  std::string audit = readFile(dir_ / "audit.jsonl");
  EXPECT_EQ(countEvents(dir_ / "audit.jsonl", {{"event", "delegation"}, {"uid", "boss"},
                                               {"operation", "delegate"}, {"target", "web-1"},
                                               {"decision", "allow"}}),
            1u)
      << audit;
  EXPECT_EQ(audit.find(token), std::string::npos);
  EXPECT_EQ(daemon_->stderrText().find(token), std::string::npos);
}

TEST_F(DelegationIssueTest, OnlySuperAdminsMayDelegate) {
  for (std::string uid : {"alice", "harry"}) {
    CommandResult refused = airlock(uid, {"delegate", "web-1", "--to", "bob"});
    EXPECT_EQ(refused.exitCode(), 1) << uid << ": " << refused.err;
    EXPECT_EQ(refused.out, "") << uid;
    EXPECT_NE(refused.err.find("no delegation was issued: only super admins may issue delegations"),
              std::string::npos)
        << refused.err;
    EXPECT_NE(refused.err.find(uid + " is not one"), std::string::npos) << refused.err;
  }
  EXPECT_EQ(countEvents(dir_ / "audit.jsonl", {{"event", "delegation"}, {"uid", "alice"},
                                               {"target", "web-1"}, {"decision", "deny"}}),
            1u)
      << readFile(dir_ / "audit.jsonl");
}

TEST_F(DelegationIssueTest, LifetimesAboveTheMaximumAreRefused) {
  CommandResult too_long = airlock("boss", {"delegate", "web-1", "--to", "harry", "--for", "1h1s"});
  EXPECT_EQ(too_long.exitCode(), 1) << too_long.err;
  EXPECT_NE(too_long.err.find("a delegation may last at most 3600 s "
                              "(auth.label_rules.delegation_max_lifetime_s); 3601 s were asked for"),
            std::string::npos)
      << too_long.err;
  CommandResult at_max = airlock("boss", {"delegate", "web-1", "--to", "harry", "--for", "1h"});
  EXPECT_EQ(at_max.exitCode(), 0) << at_max.err;
  // No --for: the default, one hour (here also the maximum).
  CommandResult by_default = airlock("boss", {"delegate", "web-1", "--to", "harry"});
  ASSERT_EQ(by_default.exitCode(), 0) << by_default.err;
  auto claims = auth::verifyDelegation(kSecret, trimmed(by_default.out), time(nullptr), 3600);
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->expires_at - claims->issued_at, 3600);

  CommandResult bad_duration = airlock("boss", {"delegate", "web-1", "--to", "harry", "--for", "soon"});
  EXPECT_EQ(bad_duration.exitCode(), 2) << bad_duration.err;
  CommandResult unknown_target = airlock("boss", {"delegate", "web-9", "--to", "harry"});
  EXPECT_EQ(unknown_target.exitCode(), 1) << unknown_target.err;
  CommandResult bad_delegate = airlock("boss", {"delegate", "web-1", "--to", "not a uid"});
  EXPECT_EQ(bad_delegate.exitCode(), 1) << bad_delegate.err;
  EXPECT_NE(bad_delegate.err.find("is not a valid uid"), std::string::npos) << bad_delegate.err;
}

TEST_F(DelegationIssueTest, ExpiredDelegationsAreRefused) {
  CommandResult issued = airlock("boss", {"delegate", "web-1", "--to", "harry", "--for", "1s"});
  ASSERT_EQ(issued.exitCode(), 0) << issued.err;
  std::string token = trimmed(issued.out);
  // Within a few seconds the token expires (`now >= exp`); poll, bounded.
  CommandResult can;
  auto since = Clock::now();
  while (Clock::now() - since < std::chrono::seconds(6)) {
    can = airlock("harry", {"can-i", "--delegation", token, "web-1"});
    if (can.exitCode() != 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(can.exitCode(), 1) << can.out;
  EXPECT_NE(can.out.find("delegation refused: the delegation expired at"), std::string::npos)
      << can.out;
  CommandResult exec = airlock("harry", {"exec", "--delegation", token, "web-1", "--", "true"});
  EXPECT_EQ(exec.exitCode(), 125);
  EXPECT_NE(exec.err.find("the delegation expired at"), std::string::npos) << exec.err;

  // One minted an hour ago for ten minutes: long expired.
  int64_t now = time(nullptr);
  std::string old = auth::mintDelegation(kSecret, {"web-1", "harry", "boss", now - 3600, now - 3000});
  CommandResult stale = airlock("harry", {"can-i", "--delegation", old, "web-1"});
  EXPECT_EQ(stale.exitCode(), 1);
  EXPECT_NE(stale.out.find("the delegation expired at"), std::string::npos) << stale.out;
}

TEST_F(DelegationIssueTest, OfflineIssueDelegationSharesTheRule) {
  auto issue = [&](const std::string& uid, std::vector<std::string> extra) {
    std::vector<std::string> argv = {daemonPath(), "issue-delegation", "--config",
                                     (dir_ / "airlockd.toml").string(), "--token-file",
                                     (dir_ / (uid + ".jwt")).string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return runCommand(argv);
  };
  CommandResult issued = issue("boss", {"--task-id", "web-1", "--to", "harry", "--lifetime-s", "600"});
  ASSERT_EQ(issued.exitCode(), 0) << issued.err;
  std::string token = trimmed(issued.out);
  EXPECT_NE(issued.err.find("delegation for harry on task web-1"), std::string::npos) << issued.err;
  // The running daemon honours it: the same secret, the same rules.
  CommandResult with = airlock("harry", {"exec", "--delegation", token, "web-1", "--", "echo", "ok"});
  EXPECT_EQ(with.exitCode(), 0) << with.err;
  EXPECT_EQ(with.out, "ok\n");

  CommandResult not_admin = issue("alice", {"--task-id", "web-1", "--to", "harry"});
  EXPECT_EQ(not_admin.exitCode(), 1);
  EXPECT_NE(not_admin.err.find("deny: only super admins may issue delegations"), std::string::npos)
      << not_admin.err;
  CommandResult too_long = issue("boss", {"--task-id", "web-1", "--to", "harry", "--lifetime-s", "7200"});
  EXPECT_EQ(too_long.exitCode(), 1);
  EXPECT_NE(too_long.err.find("deny: a delegation may last at most 3600 s"), std::string::npos)
      << too_long.err;
  writeFile(dir_ / "forged.jwt", auth::testing::TokenFactory().rs256({{"uid", "boss"}, {"exp", time(nullptr) + 60}}));
  CommandResult forged = issue("forged", {"--task-id", "web-1", "--to", "harry"});
  EXPECT_EQ(forged.exitCode(), 2) << forged.err;
  EXPECT_EQ(forged.out, "");
  CommandResult usage = issue("boss", {"--to", "harry"});
  EXPECT_EQ(usage.exitCode(), 64);
}

}  // namespace
}  // namespace airlock::testing
