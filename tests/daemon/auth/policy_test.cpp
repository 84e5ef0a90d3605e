#include "auth/policy.h"

#include <gtest/gtest.h>

#include "auth/permission.h"

namespace airlock::auth {
namespace {

TEST(PolicyTest, ParsesTheDcosCliLinesAsPrinted) {
  auto policy = Policy::parse(R"(# paste from the DC/OS docs
dcos security org users grant alice dcos:adminrouter:ops:mesos full --description "Grant ops"
dcos security org users grant alice dcos:mesos:agent:container:app_id:%252Ftest-group read,update
  dcos security org groups grant dev 'dcos:mesos:agent:container:app_id:/dev' read
dcos security org groups create dev --description "Developers"
dcos security org groups add_user dev alice

dcos security org users grant bob dcos:superuser full --description="all"
)");
  ASSERT_TRUE(policy) << policy.error().message;
  EXPECT_EQ(policy->grantCount(), 4u);
  Subject alice = policy->subjectFor("alice");
  ASSERT_EQ(alice.grants.size(), 3u);
  EXPECT_EQ(alice.grants[1].rid, "dcos:mesos:agent:container:app_id:/test-group");
  EXPECT_EQ(alice.grants[1].actions, (std::set<std::string>{"read", "update"}));
  EXPECT_EQ(alice.grants[2].via, "group dev");
  EXPECT_EQ(alice.groups, std::vector<std::string>{"dev"});
  EXPECT_TRUE(policy->subjectFor("nobody").grants.empty());
  // Case-sensitive: Alice is not alice.
  EXPECT_TRUE(policy->subjectFor("Alice").grants.empty());
}

TEST(PolicyTest, RefusesTheWholeFileOnAnyBadLineNamingIt) {
  const char* bad[] = {
      "dcos security org users grant alice dcos:x read extra",
      "dcos security org users grant alice dcos:x write",
      "dcos security org users grant alice dcos:x READ",
      "dcos security org users grant al!ce dcos:x read",
      "dcos security org users grant alice \"dcos x\" read",
      "dcos security org users revoke alice dcos:x read",
      "dcos security org groups add_user dev",
      "dcos security org users grant alice dcos:x read --description",
      "dcos security org users grant alice dcos:x read --force",
      "dcos security org users grant alice dcos:x \"read",
      "security org users grant alice dcos:x read",
      "rm -rf /",
  };
  for (const char* line : bad) {
    std::string text = std::string("# ok\n") + line + "\n";
    auto policy = Policy::parse(text);
    ASSERT_FALSE(policy) << line;
    EXPECT_EQ(policy.error().message.rfind("line 2: ", 0), 0u) << policy.error().message;
  }
  EXPECT_FALSE(Policy::parse(std::string(kMaxPolicyLineBytes + 1, '#')));
}

TEST(PolicyTest, SplitsLikeAShell) {
  auto words = splitCommandLine(R"(a "b c" 'd "e"' f\ g "h\"i")");
  ASSERT_TRUE(words);
  EXPECT_EQ(*words, (std::vector<std::string>{"a", "b c", "d \"e\"", "f g", "h\"i"}));
  EXPECT_FALSE(splitCommandLine("a \"b"));
  EXPECT_FALSE(splitCommandLine("a \\"));
}

Need appNeed(const std::string& app, const std::string& action = "read") {
  return Need{"dcos:mesos:agent:container", "app_id", app, action};
}

TEST(PermissionTest, AppIdPrefixesMatchOnSegmentBoundariesOnly) {
  const std::string g = "dcos:mesos:agent:container:app_id:/test-group";
  EXPECT_TRUE(ridCovers(g, appNeed("/test-group")));
  EXPECT_TRUE(ridCovers(g, appNeed("/test-group/a/b")));
  EXPECT_FALSE(ridCovers(g, appNeed("/test-group2")));
  EXPECT_FALSE(ridCovers(g, appNeed("/test-group-x")));
  EXPECT_FALSE(ridCovers(g, appNeed("/test-groupX/app")));
  EXPECT_FALSE(ridCovers(g, appNeed("/test")));
  EXPECT_TRUE(ridCovers(g + "/", appNeed("/test-group/a")));  // A trailing slash on the grant.
  EXPECT_TRUE(ridCovers("dcos:mesos:agent:container:app_id:/", appNeed("/anything/at/all")));
  EXPECT_FALSE(ridCovers("dcos:mesos:agent:container:app_id://test-group", appNeed("/test-group")));
  EXPECT_FALSE(ridCovers("dcos:mesos:agent:container:app_id:/a/../b", appNeed("/b")));
}

TEST(PermissionTest, OmittedSuffixCoversAllValuesAndNothingElse) {
  EXPECT_TRUE(ridCovers("dcos:mesos:agent:container", appNeed("/x")));
  EXPECT_TRUE(ridCovers("dcos:mesos:agent:container:app_id", appNeed("/x")));
  EXPECT_TRUE(ridCovers("dcos:mesos:agent:container:app_id", appNeed("")));  // Unknown app id.
  EXPECT_FALSE(ridCovers("dcos:mesos:agent:container:app_id:/", appNeed("")));
  EXPECT_FALSE(ridCovers("dcos:mesos:agent:containers", appNeed("/x")));
  EXPECT_FALSE(ridCovers("dcos:mesos:agent", appNeed("/x")));
  EXPECT_FALSE(ridCovers("dcos:mesos:agent:container:role", appNeed("/x")));
}

TEST(PermissionTest, RoleStarIsALiteralAndCaseMatters) {
  Need star{"dcos:mesos:master:framework", "role", "*", "read"};
  Need prod{"dcos:mesos:master:framework", "role", "prod", "read"};
  EXPECT_TRUE(ridCovers("dcos:mesos:master:framework:role:*", star));
  EXPECT_FALSE(ridCovers("dcos:mesos:master:framework:role:*", prod));
  EXPECT_FALSE(ridCovers("dcos:mesos:master:framework:role:pro*", prod));
  EXPECT_FALSE(ridCovers("DCOS:mesos:master:framework:role:prod", prod));
  EXPECT_FALSE(ridCovers("dcos:mesos:agent:container:app_id:/Test", appNeed("/test")));
}

TEST(PermissionTest, FullCoversEveryActionAndActionsAreCaseSensitive) {
  EXPECT_TRUE(actionCovers({"full"}, "update"));
  EXPECT_TRUE(actionCovers({"read"}, "read"));
  EXPECT_FALSE(actionCovers({"read"}, "update"));
  EXPECT_FALSE(actionCovers({"Full"}, "read"));
  EXPECT_FALSE(actionCovers({}, "read"));
}

TEST(PermissionTest, CanonicalAppIds) {
  for (std::string ok : {"/", "/a", "/a/b", "/a-b.c/d_e"}) EXPECT_TRUE(isCanonicalAppId(ok)) << ok;
  for (std::string bad : {"", "a", "/a/", "//a", "/a//b", "/./a", "/a/..", "/a/./b"}) {
    EXPECT_FALSE(isCanonicalAppId(bad)) << bad;
  }
}

}  // namespace
}  // namespace airlock::auth
