#include "enter/account_files.h"

#include <gtest/gtest.h>

namespace airlock::enter {
namespace {

constexpr const char* kPasswd =
    "root:x:0:0:root:/root:/bin/bash\n"
    "# a comment\n"
    "broken:x:notanumber:1::/:/bin/sh\n"
    "short:x:7\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\r\n"
    "nobody:x:0:0:second entry:/:/bin/sh\n";
constexpr const char* kGroup =
    "root:x:0:\n"
    "nogroup:x:65534:\n"
    "audio:x:29:alice,nobody\n"
    "video:x:44:nobodyelse\n"
    "bad:x:-1:nobody\n"
    "staff:x:50:nobody";

TEST(AccountFiles, FindsTheFirstWellFormedEntryAndItsGroups) {
  auto a = findAccount(kPasswd, kGroup, "nobody");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->uid, 65534u);
  EXPECT_EQ(a->gid, 65534u);
  EXPECT_EQ(a->home, "/nonexistent");
  EXPECT_EQ(a->shell, "/usr/sbin/nologin");
  EXPECT_EQ(a->groups, (std::vector<gid_t>{65534, 29, 50}));
}

TEST(AccountFiles, MalformedLinesAndMissingUsersAreNotAccounts) {
  EXPECT_FALSE(findAccount(kPasswd, kGroup, "broken").has_value());
  EXPECT_FALSE(findAccount(kPasswd, kGroup, "short").has_value());
  EXPECT_FALSE(findAccount(kPasswd, kGroup, "alice").has_value());
  EXPECT_FALSE(findAccount(kPasswd, kGroup, "").has_value());
  EXPECT_FALSE(findAccount(kPasswd, kGroup, "root:x").has_value());
  EXPECT_FALSE(findAccount("", "", "root").has_value());
  // (uid_t)-1 would mean "unchanged" to setuid.
  EXPECT_FALSE(findAccount("u:x:4294967295:1::/:/bin/sh\n", "", "u").has_value());
}

TEST(AccountFiles, TheGroupListIsBounded) {
  std::string group;
  for (int i = 1; i < 5000; ++i) group += "g" + std::to_string(i) + ":x:" + std::to_string(i) + ":u\n";
  auto a = findAccount("u:x:1000:1000::/home/u:/bin/sh\n", group, "u");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->groups.size(), kMaxGroups);
}

}  // namespace
}  // namespace airlock::enter
