// The decision table: every row is one `airlockd check-access` run (in
// process, through the same function the subcommand calls) against one
// config, policy file and key, derived from authz.md (tokens, strict,
// permissive, groups, prefixes, case, full, superuser, label rules, root
// rule, delegation, run-as). Each row names what it checks.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "auth/check_access.h"
#include "auth/delegation.h"
#include "token_factory.h"

namespace airlock::auth {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int64_t kNow = 1'750'000'000;
const std::string kSecret = "0123456789abcdef0123456789abcdef-delegation";

const char* kPolicy = R"(
dcos security org users grant alice dcos:adminrouter:ops:mesos full
dcos security org users grant alice dcos:adminrouter:ops:slave full
dcos security org groups grant web dcos:adminrouter:ops:mesos full
dcos security org groups grant web dcos:adminrouter:ops:slave full
dcos security org groups grant web dcos:mesos:agent:container:app_id:/prod/web read
dcos security org groups grant web dcos:mesos:agent:nested_container_session:app_id:/prod/web create
dcos security org groups grant web dcos:mesos:master:executor:app_id:/prod/web read
dcos security org groups grant web dcos:mesos:master:task:app_id:/prod/web read
dcos security org groups grant web dcos:mesos:master:framework:role:* read
dcos security org groups add_user web alice
dcos security org groups add_user web bob
dcos security org groups add_user web carol
dcos security org users grant carol dcos:mesos:agent:container:app_id:/prod/web update
dcos security org users grant carol dcos:mesos:agent:nested_container_session:user:postgres create
dcos security org users grant dave dcos:adminrouter:ops:mesos full
dcos security org users grant dave dcos:adminrouter:ops:slave full
dcos security org users grant dave dcos:mesos:agent:container read,update
dcos security org users grant dave dcos:mesos:agent:nested_container_session:app_id create
dcos security org users grant dave dcos:mesos:master:executor:app_id read
dcos security org users grant dave dcos:mesos:master:task:app_id read
dcos security org users grant dave dcos:mesos:master:framework:role read
dcos security org users grant erin dcos:adminrouter:ops:mesos full
dcos security org users grant erin dcos:adminrouter:ops:slave full
dcos security org users grant erin dcos:mesos:agent:container:role:prod full
dcos security org users grant erin dcos:mesos:agent:nested_container_session:role:prod create
dcos security org users grant erin dcos:mesos:master:executor:app_id:/ read
dcos security org users grant erin dcos:mesos:master:task:app_id:/ read
dcos security org users grant erin dcos:mesos:master:framework:role:prod read
dcos security org users grant frank dcos:adminrouter:ops:mesos full
dcos security org users grant frank dcos:adminrouter:ops:slave full
dcos security org users grant frank dcos:mesos:agent:container:app_id:/prod/web full
dcos security org users grant frank dcos:mesos:agent:nested_container_session:app_id:/prod/web full
dcos security org users grant frank dcos:mesos:master:executor:app_id:/prod/web full
dcos security org users grant frank dcos:mesos:master:task:app_id:/prod/web full
dcos security org users grant frank dcos:mesos:master:framework:role:* full
dcos security org users grant gina dcos:adminrouter:ops:slave full
dcos security org users grant root-admin dcos:superuser read
dcos security org groups add_user superusers peter
dcos security org groups add_user Superusers mallory
dcos security org groups grant Web dcos:superuser full
dcos security org groups add_user Web mallory
dcos security org groups add_user admins john
dcos security org groups add_user dev bob
dcos security org groups add_user dev alice
dcos security org groups add_user devops alice
)";

struct Row {
  const char* what;
  std::string uid;  // Token subject ("" = see `token`).
  std::vector<std::string> args;
  int exit;
  const char* expect;  // Substring of the printed line.
  std::string token = {};
};

class DecisionTableTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    keys_ = new testing::TokenFactory();
    other_ = new testing::TokenFactory();
    dir_ = new fs::path(fs::temp_directory_path() / ("airlock-table-" + std::to_string(getpid())));
    fs::create_directories(*dir_);
    std::ofstream(*dir_ / "key.pem") << keys_->publicPem();
    std::ofstream(*dir_ / "policy") << kPolicy;
    std::ofstream(*dir_ / "secret") << kSecret;
    std::ofstream(*dir_ / "airlockd.toml")
        << "[auth]\npublic_key_file = \"" << (*dir_ / "key.pem").string() << "\"\npolicy_file = \""
        << (*dir_ / "policy").string() << "\"\n";
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete keys_;
    delete other_;
  }
  static std::string token(const std::string& uid, int64_t exp = kNow + 3600) {
    return keys_->rs256({{"uid", uid}, {"exp", exp}});
  }
  static std::vector<std::string> labelRules() {
    return {"-o", "auth.label_rules.enabled=true", "-o", "auth.label_rules.super_admin_groups=[\"admins\"]",
            "-o", "auth.label_rules.delegation_secret_file=" + (*dir_ / "secret").string(),
            "-o", "auth.label_rules.delegation_max_lifetime_s=3600"};
  }
  static std::string delegation(const std::string& issuer, const std::string& to,
                                const std::string& task, int64_t lifetime = 600) {
    return mintDelegation(kSecret, Delegation{task, to, issuer, kNow - 10, kNow - 10 + lifetime});
  }

  void check(const Row& row) {
    std::vector<std::string> args = {"--config", (*dir_ / "airlockd.toml").string(), "--now",
                                     std::to_string(kNow), "--token",
                                     row.token.empty() ? token(row.uid) : row.token};
    args.insert(args.end(), row.args.begin(), row.args.end());
    std::ostringstream out, err;
    int code = runCheckAccess(args, out, err);
    EXPECT_EQ(code, row.exit) << row.what << "\n  " << out.str() << err.str();
    EXPECT_NE(out.str().find(row.expect), std::string::npos) << row.what << "\n  got: " << out.str();
    ++rows_;
  }

  static testing::TokenFactory* keys_;
  static testing::TokenFactory* other_;
  static fs::path* dir_;
  static int rows_;
};
testing::TokenFactory* DecisionTableTest::keys_ = nullptr;
testing::TokenFactory* DecisionTableTest::other_ = nullptr;
fs::path* DecisionTableTest::dir_ = nullptr;
int DecisionTableTest::rows_ = 0;

std::vector<std::string> op(const std::string& operation, const std::string& app,
                            std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"--operation", operation, "--app-id", app, "--task-user", "nobody",
                                   "--task-id", "web.1"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST_F(DecisionTableTest, Tokens) {
  json h = {{"alg", "RS256"}, {"typ", "JWT"}};
  std::vector<Row> rows = {
      {"valid token", "alice", op("exec", "/prod/web"), 0, "allow: "},
      {"exp = now - 1", "", op("exec", "/prod/web"), 2, "unauthenticated: the token expired", token("alice", kNow - 1)},
      {"exp = now", "", op("exec", "/prod/web"), 2, "expired", token("alice", kNow)},
      {"exp = now + 1", "", op("exec", "/prod/web"), 0, "allow", token("alice", kNow + 1)},
      {"leeway 30 lets exp = now - 10 in", "", op("exec", "/prod/web", {"-o", "auth.exp_leeway_s=30"}), 0, "allow", token("alice", kNow - 10)},
      {"leeway above 60 is a config error", "alice", op("exec", "/prod/web", {"-o", "auth.exp_leeway_s=61"}), 78, ""},
      {"no exp refused by default", "", op("exec", "/prod/web"), 2, "no exp", keys_->rs256({{"uid", "alice"}})},
      {"no exp accepted when allowed", "", op("exec", "/prod/web", {"-o", "auth.allow_missing_exp=true"}), 0, "allow", keys_->rs256({{"uid", "alice"}})},
      {"exp as a string", "", op("exec", "/prod/web"), 2, "not an integer", keys_->rs256({{"uid", "alice"}, {"exp", "never"}})},
      {"nbf in the future", "", op("exec", "/prod/web"), 2, "not valid before", keys_->rs256({{"uid", "alice"}, {"exp", kNow + 60}, {"nbf", kNow + 30}})},
      {"alg none", "", op("exec", "/prod/web"), 2, "only RS256", testing::TokenFactory::unsigned_({{"alg", "none"}}, {{"uid", "alice"}, {"exp", kNow + 60}})},
      {"HS256 keyed with the public PEM", "", op("exec", "/prod/web"), 2, "only RS256",
       testing::TokenFactory::hs256({{"alg", "HS256"}}, {{"uid", "alice"}, {"exp", kNow + 60}}, keys_->publicPem())},
      {"RS512", "", op("exec", "/prod/web"), 2, "only RS256", keys_->sign({{"alg", "RS512"}}, {{"uid", "alice"}, {"exp", kNow + 60}}, EVP_sha512())},
      {"PS256", "", op("exec", "/prod/web"), 2, "only RS256", keys_->sign({{"alg", "PS256"}}, {{"uid", "alice"}, {"exp", kNow + 60}}, EVP_sha256(), true)},
      {"jku header", "", op("exec", "/prod/web"), 2, "'jku' is refused", keys_->rs256({{"uid", "alice"}, {"exp", kNow + 60}}, {{"jku", "http://x"}})},
      {"signed by another key", "", op("exec", "/prod/web"), 2, "signature", other_->rs256({{"uid", "alice"}, {"exp", kNow + 60}})},
      {"uid outside the alphabet", "", op("exec", "/prod/web"), 2, "uid", keys_->rs256({{"uid", "al/ice"}, {"exp", kNow + 60}})},
      {"uid anonymous", "", op("exec", "/prod/web"), 2, "uid", keys_->rs256({{"uid", "anonymous"}, {"exp", kNow + 60}})},
      {"Bearer header form", "alice", {"--operation", "exec", "--app-id", "/prod/web"}, 0, "allow"},
  };
  for (const Row& row : rows) check(row);
  std::ostringstream out, err;
  EXPECT_EQ(runCheckAccess({"--config", (*dir_ / "airlockd.toml").string(), "--authorization",
                            "Bearer " + token("alice"), "--operation", "exec", "--app-id", "/prod/web",
                            "--now", std::to_string(kNow)},
                           out, err),
            0);
  EXPECT_EQ(runCheckAccess({"--config", (*dir_ / "airlockd.toml").string(), "--authorization",
                            "Basic YTpi", "--operation", "exec", "--app-id", "/prod/web"},
                           out, err),
            2);
}

TEST_F(DecisionTableTest, StrictGroupsPrefixesCaseFullSuperuser) {
  std::vector<Row> rows = {
      {"group grant, exact app", "bob", op("exec", "/prod/web"), 0, "(group web)"},
      {"group grant covers a child app", "bob", op("exec", "/prod/web/api"), 0, "allow"},
      {"no grant on the sibling /prod/web2", "bob", op("exec", "/prod/web2"), 1, "app_id:/prod/web2 read"},
      {"no grant on /prod/web-x", "bob", op("exec", "/prod/web-x"), 1, "deny"},
      {"no grant on the parent /prod", "bob", op("exec", "/prod"), 1, "deny"},
      {"case matters in app ids", "bob", op("exec", "/Prod/web"), 1, "deny"},
      {"dot segments are refused", "bob", op("exec", "/prod/web/../db"), 1, "not canonical"},
      {"a trailing slash is refused", "bob", op("exec", "/prod/web/"), 1, "not canonical"},
      {"exec-stdin needs container update", "bob", op("exec-stdin", "/prod/web"), 1, "app_id:/prod/web update"},
      {"exec-tty needs container update", "bob", op("exec-tty", "/prod/web"), 1, "update"},
      {"watch needs container read", "bob", op("watch", "/prod/web"), 0, "allow"},
      {"update granted: exec-tty", "carol", op("exec-tty", "/prod/web/api"), 0, "update (user carol)"},
      {"update granted: exec-stdin", "carol", op("exec-stdin", "/prod/web"), 0, "allow"},
      {"no grants at all", "zoe", op("watch", "/prod/web"), 1, "dcos:adminrouter:ops:slave full"},
      {"ops:slave alone is not enough for exec", "gina", op("exec", "/prod/web"), 1, "ops:mesos full"},
      {"unsuffixed grants cover every app", "dave", op("exec-tty", "/anything/at/all"), 0, "allow"},
      {"unsuffixed grants cover an unknown app id", "dave", op("exec", ""), 0, "allow"},
      {"an unknown app id needs an unsuffixed grant", "bob", op("exec", ""), 1, "deny"},
      {"role:* is the literal role *", "bob", op("exec", "/prod/web", {"--role", "prod"}), 1, "framework:role:prod"},
      {"role grants stand in for app_id on the agent", "erin", op("exec-tty", "/team/x", {"--role", "prod"}), 0, "role:prod"},
      {"...but only for that role", "erin", op("exec", "/team/x"), 1, "deny"},
      {"full covers every action", "frank", op("exec-tty", "/prod/web"), 0, "full (user frank)"},
      {"superuser grant (any action)", "root-admin", op("exec-tty", "/x", {"--run-as", "root"}), 0, "dcos:superuser"},
      {"member of superusers", "peter", op("exec-tty", "/x"), 0, "member of group superusers"},
      {"Superusers is not superusers; Web is not web", "mallory", op("exec", "/prod/web"), 0, "dcos:superuser (group Web)"},
  };
  for (const Row& row : rows) check(row);
}

TEST_F(DecisionTableTest, PermissiveAndRunAs) {
  std::vector<std::string> p = {"-o", "auth.mode=permissive"};
  auto withP = [&](std::vector<std::string> a) {
    a.insert(a.end(), p.begin(), p.end());
    return a;
  };
  std::vector<Row> rows = {
      {"permissive: the ops pair allows exec-tty anywhere", "alice", withP(op("exec-tty", "/elsewhere")), 0, "permissive mode"},
      {"permissive: exec-stdin", "alice", withP(op("exec-stdin", "/elsewhere")), 0, "allow"},
      {"permissive: ops:slave alone allows watch", "gina", withP(op("watch", "/x")), 0, "allow"},
      {"permissive: ops:slave alone does not allow exec", "gina", withP(op("exec", "/x")), 1, "ops:mesos"},
      {"permissive: nothing granted", "zoe", withP(op("exec", "/x")), 1, "deny"},
      {"run as the task user needs nothing more", "bob", op("exec", "/prod/web", {"--run-as", "nobody"}), 0, "allow"},
      {"run as root is a separate privilege", "bob", op("exec", "/prod/web", {"--run-as", "root"}), 1, "nested_container_session:user:root create"},
      {"run as root, permissive too", "alice", withP(op("exec", "/x", {"--run-as", "root"})), 1, "user:root"},
      {"run as a granted user", "carol", op("exec-tty", "/prod/web", {"--run-as", "postgres"}), 0, "user:postgres create"},
      {"run as another user than the granted one", "carol", op("exec", "/prod/web", {"--run-as", "mysql"}), 1, "user:mysql"},
  };
  for (const Row& row : rows) check(row);
}

TEST_F(DecisionTableTest, LabelRulesRootRuleAndDelegation) {
  auto lr = [&](std::vector<std::string> a, std::vector<std::string> extra = {}) {
    auto rules = labelRules();
    a.insert(a.end(), rules.begin(), rules.end());
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  const std::string L = "--label";
  auto task = [](const std::string& user, std::vector<std::string> more = {}) {
    std::vector<std::string> a = {"--operation", "exec-tty", "--app-id", "/apps/app2", "--task-id", "app2.1"};
    if (!user.empty()) {
      a.push_back("--task-user");
      a.push_back(user);
    }
    a.insert(a.end(), more.begin(), more.end());
    return a;
  };
  std::vector<Row> rows = {
      {"label rules off: a label grants nothing", "harry", task("myuser", {L, "MESOS_TERM_DEBUG_GRANTED_TO=harry"}), 1, "deny"},
      {"super admin group", "john", lr(task("myuser")), 0, "label rules: super admin (group admins)"},
      {"super admin enters a root task", "john", lr(task("root")), 0, "super admin"},
      {"named in the label", "harry", lr(task("myuser", {L, "MESOS_TERM_DEBUG_GRANTED_TO=harry"})), 0, "names user harry"},
      {"label entries are trimmed", "bob", lr(task("myuser", {L, "MESOS_TERM_DEBUG_GRANTED_TO=harry, bob "})), 0, "names user bob"},
      {"a group in the label", "bob", lr(task("myuser", {L, "MESOS_TERM_DEBUG_GRANTED_TO=dev"})), 0, "names group dev"},
      {"not named", "james", lr(task("myuser", {L, "MESOS_TERM_DEBUG_GRANTED_TO=dev,harry"})), 1, "deny"},
      {"no CN truncation: CN=dev is not dev", "bob", lr(task("myuser", {L, "MESOS_TERM_DEBUG_GRANTED_TO=CN=dev"})), 1, "deny"},
      {"case matters: Harry is not harry", "harry", lr(task("myuser", {L, "MESOS_TERM_DEBUG_GRANTED_TO=Harry"})), 1, "deny"},
      {"root rule: root task", "harry", lr(task("root", {L, "MESOS_TERM_DEBUG_GRANTED_TO=harry"})), 1, "root rule: the task runs as root"},
      {"root rule: task without user", "harry", lr(task("", {L, "MESOS_TERM_DEBUG_GRANTED_TO=harry"})), 1, "has no user"},
      {"root rule off", "harry", lr(task("root", {L, "MESOS_TERM_DEBUG_GRANTED_TO=harry"}), {"-o", "auth.label_rules.root_rule=false"}), 0, "allow"},
      {"allow-list drops entries it does not list", "bob",
       lr(task("myuser", {L, "MESOS_TERM_DEBUG_GRANTED_TO=dev"}), {"-o", "auth.label_rules.allowed_task_admins=[\"devops\"]"}), 1, "deny"},
      {"allow-list keeps the entries it lists", "alice",
       lr(task("myuser", {L, "MESOS_TERM_DEBUG_GRANTED_TO=devops"}), {"-o", "auth.label_rules.allowed_task_admins=[\"devops\"]"}), 0, "names group devops"},
      {"another label name", "harry", lr(task("myuser", {L, "OWNERS=harry"}), {"-o", "auth.label_rules.task_admin_label=OWNERS"}), 0, "OWNERS names user harry"},
      {"task admins run as the task user only", "harry", lr(task("myuser", {L, "MESOS_TERM_DEBUG_GRANTED_TO=harry", "--run-as", "root"})), 1, "task admins run as the task user only"},
      {"delegation from a super admin", "harry", lr(task("myuser", {"--delegation", delegation("john", "harry", "app2.1")})), 0, "delegation from john for task app2.1"},
      {"delegation for another task", "harry", lr(task("myuser", {"--delegation", delegation("john", "harry", "app1.1")})), 1, "it is for another task"},
      {"delegation used by another user", "bob", lr(task("myuser", {"--delegation", delegation("john", "harry", "app2.1")})), 1, "it is for another user"},
      {"delegation longer than the maximum", "harry", lr(task("myuser", {"--delegation", delegation("john", "harry", "app2.1", 7200)})), 1, "lasts longer"},
      {"expired delegation", "harry", lr(task("myuser", {"--delegation", delegation("john", "harry", "app2.1", 5)})), 1, "expired"},
      {"delegation from someone who is not a super admin", "harry", lr(task("myuser", {"--delegation", delegation("bob", "harry", "app2.1")})), 1, "not a super admin"},
      {"delegation does not skip the root rule", "harry", lr(task("root", {"--delegation", delegation("john", "harry", "app2.1")})), 1, "root rule"},
      {"delegates run as the task user only", "harry", lr(task("myuser", {"--delegation", delegation("john", "harry", "app2.1"), "--run-as", "root"})), 1, "delegates run as the task user only"},
      {"a login token is not a delegation", "harry", lr(task("myuser", {"--delegation", token("john")})), 1, "not an airlock delegation"},
      {"delegation while delegation is off", "harry", task("myuser", {"--delegation", delegation("john", "harry", "app2.1")}), 1, "not enabled"},
      {"DC/OS permissions still apply with label rules", "frank", lr({"--operation", "exec-tty", "--app-id", "/prod/web", "--task-user", "web"}), 0, "strict mode"},
  };
  for (const Row& row : rows) check(row);
}

}  // namespace
}  // namespace airlock::auth
