#include "auth/authorizer.h"

#include <gtest/gtest.h>

#include "auth/delegation.h"
#include "auth/iam_permission_source.h"
#include "auth/label_rules.h"

namespace airlock::auth {
namespace {

constexpr int64_t kNow = 1'700'000'000;
const std::string kSecret(48, 's');

Grant grant(std::string rid, std::set<std::string> actions, std::string via = "user alice") {
  return Grant{std::move(rid), std::move(actions), std::move(via)};
}

AccessRequest request(Operation op, std::string app = "/test-group/app1") {
  AccessRequest r;
  r.operation = op;
  r.task_id = "app1.1234";
  r.app_id = std::move(app);
  r.task_user = "nobody";
  r.now = kNow;
  return r;
}

std::vector<Grant> strictExecGrants(const std::string& group = "/test-group") {
  return {grant("dcos:adminrouter:ops:mesos", {"full"}),
          grant("dcos:adminrouter:ops:slave", {"full"}),
          grant("dcos:mesos:agent:container:app_id:" + group, {"read"}),
          grant("dcos:mesos:agent:nested_container_session:app_id:" + group, {"create"}),
          grant("dcos:mesos:master:executor:app_id:" + group, {"read"}),
          grant("dcos:mesos:master:framework:role:*", {"read"}),
          grant("dcos:mesos:master:task:app_id:" + group, {"read"})};
}

AuthorizerConfig permissive() {
  AuthorizerConfig config;
  config.mode = Mode::kPermissive;
  return config;
}

TEST(AuthorizerTest, StrictNeedsTheDocumentedSetAndUpdateForInput) {
  Authorizer authz({});
  Subject alice{"alice", {}, strictExecGrants()};
  EXPECT_TRUE(authz.decide(alice, request(Operation::kExec), std::nullopt).allowed());
  Decision tty = authz.decide(alice, request(Operation::kExecTty), std::nullopt);
  EXPECT_FALSE(tty.allowed());
  EXPECT_NE(tty.rule.find("dcos:mesos:agent:container:app_id:/test-group/app1 update"), std::string::npos)
      << tty.rule;
  alice.grants.push_back(grant("dcos:mesos:agent:container:app_id:/test-group", {"update"}));
  EXPECT_TRUE(authz.decide(alice, request(Operation::kExecTty), std::nullopt).allowed());
  EXPECT_TRUE(authz.decide(alice, request(Operation::kExecStdin), std::nullopt).allowed());
  // Each permission of the set is needed.
  for (size_t i = 0; i < strictExecGrants().size(); ++i) {
    Subject s{"alice", {}, strictExecGrants()};
    s.grants.erase(s.grants.begin() + static_cast<long>(i));
    EXPECT_FALSE(authz.decide(s, request(Operation::kExec), std::nullopt).allowed()) << i;
  }
}

TEST(AuthorizerTest, PermissiveNeedsOnlyTheAdminRouterPair) {
  Authorizer authz(permissive());
  Subject ops{"ops", {}, {grant("dcos:adminrouter:ops:mesos", {"full"}),
                          grant("dcos:adminrouter:ops:slave", {"full"})}};
  for (Operation op : {Operation::kExec, Operation::kExecStdin, Operation::kExecTty, Operation::kWatch}) {
    EXPECT_TRUE(authz.decide(ops, request(op), std::nullopt).allowed()) << operationName(op);
  }
  Subject half{"half", {}, {grant("dcos:adminrouter:ops:slave", {"full"})}};
  EXPECT_FALSE(authz.decide(half, request(Operation::kExec), std::nullopt).allowed());
  EXPECT_TRUE(authz.decide(half, request(Operation::kWatch), std::nullopt).allowed());
  Subject read_only{"r", {}, {grant("dcos:adminrouter:ops:mesos", {"read"}),
                              grant("dcos:adminrouter:ops:slave", {"read"})}};
  EXPECT_FALSE(authz.decide(read_only, request(Operation::kExec), std::nullopt).allowed());
}

TEST(AuthorizerTest, RunAsAnotherUserIsASeparatePrivilege) {
  Authorizer authz(permissive());
  Subject ops{"ops", {}, {grant("dcos:adminrouter:ops:mesos", {"full"}),
                          grant("dcos:adminrouter:ops:slave", {"full"})}};
  AccessRequest r = request(Operation::kExecTty);
  r.run_as = "nobody";  // The task user itself: nothing more needed.
  EXPECT_TRUE(authz.decide(ops, r, std::nullopt).allowed());
  r.run_as = "root";
  Decision d = authz.decide(ops, r, std::nullopt);
  EXPECT_FALSE(d.allowed());
  EXPECT_NE(d.rule.find("nested_container_session:user:root create"), std::string::npos) << d.rule;
  ops.grants.push_back(grant("dcos:mesos:agent:nested_container_session:user:postgres", {"create"}));
  EXPECT_FALSE(authz.decide(ops, r, std::nullopt).allowed());
  r.run_as = "postgres";
  EXPECT_TRUE(authz.decide(ops, r, std::nullopt).allowed());
}

TEST(AuthorizerTest, SuperuserByGrantOrGroup) {
  Authorizer authz({});
  AccessRequest r = request(Operation::kExecTty);
  r.run_as = "root";
  Subject by_grant{"boss", {}, {grant("dcos:superuser", {"read"})}};
  EXPECT_TRUE(authz.decide(by_grant, r, std::nullopt).allowed());
  Subject by_group{"peter", {"superusers"}, {}};
  EXPECT_TRUE(authz.decide(by_group, r, std::nullopt).allowed());
  Subject not_quite{"eve", {"Superusers", "superusers2"}, {grant("dcos:superuser:x", {"full"})}};
  EXPECT_FALSE(authz.decide(not_quite, r, std::nullopt).allowed());
}

TEST(AuthorizerTest, NonCanonicalAppIdsAreRefusedEvenForGrantedPrefixes) {
  Authorizer authz({});
  Subject alice{"alice", {}, strictExecGrants("/")};
  for (std::string app : {"/test-group/../prod", "/test-group//x", "/test-group/", "relative"}) {
    EXPECT_FALSE(authz.decide(alice, request(Operation::kExec, app), std::nullopt).allowed()) << app;
  }
}

TEST(LabelRulesTest, SplitTrimsAndBounds) {
  EXPECT_EQ(splitLabelList(" harry, bob ,,\tdev "), (std::vector<std::string>{"harry", "bob", "dev"}));
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "u" + std::to_string(i) + ",";
  EXPECT_EQ(splitLabelList(many).size(), kMaxLabelEntries);
  EXPECT_TRUE(splitLabelList(std::string(200, 'x')).empty());
}

TEST(DelegationTest, VerifiesSignatureTypeAndLifetime) {
  Delegation d{"task-1", "harry", "john", kNow, kNow + 600};
  std::string token = mintDelegation(kSecret, d);
  auto ok = verifyDelegation(kSecret, token, kNow + 1, 3600);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->delegate, "harry");
  EXPECT_FALSE(verifyDelegation(std::string(48, 't'), token, kNow + 1, 3600));
  EXPECT_FALSE(verifyDelegation(kSecret, token, kNow + 600, 3600));  // Expired.
  EXPECT_FALSE(verifyDelegation(kSecret, token, kNow + 1, 300));     // Longer than allowed.
  EXPECT_FALSE(verifyDelegation("short", token, kNow + 1, 3600));
  token.back() = token.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verifyDelegation(kSecret, token, kNow + 1, 3600));
  EXPECT_EQ(peekDelegationIssuer(mintDelegation(kSecret, d)), "john");
}

TEST(IamTest, ParsesPermissionsAndGroups) {
  auto s = subjectFromIam("alice",
                          R"({"direct":[{"rid":"dcos:adminrouter:ops:mesos","actions":[{"name":"full","url":"x"}]}],
                              "groups":[{"rid":"dcos:mesos:agent:container:app_id:%252Fdev","gid":"dev","actions":[{"name":"read"}]}]})",
                          R"({"array":[{"group":{"gid":"dev"},"membershipurl":"x"}]})");
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->grants.size(), 2u);
  EXPECT_EQ(s->grants[1].rid, "dcos:mesos:agent:container:app_id:/dev");
  EXPECT_EQ(s->grants[1].via, "group dev (IAM)");
  EXPECT_EQ(s->groups, std::vector<std::string>{"dev"});
  EXPECT_FALSE(subjectFromIam("alice", "<html>", "{}"));
  EXPECT_FALSE(subjectFromIam("alice", R"({"direct":[{"rid":1}]})", R"({"array":[]})"));
  EXPECT_FALSE(subjectFromIam("alice", R"({"direct":[]})", R"({"code":"ERR_UNKNOWN_USER_ID"})"));
}

}  // namespace
}  // namespace airlock::auth
