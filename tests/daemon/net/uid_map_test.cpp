#include "net/uid_map.h"

#include <gtest/gtest.h>

namespace airlock::net {
namespace {

TEST(UidMap, TheInitialNamespaceMapsEveryUid) {
  auto map = UidMap::parse("         0          0 4294967295\n");
  EXPECT_TRUE(map.contains(0));
  EXPECT_TRUE(map.contains(65534));
  EXPECT_TRUE(map.contains(1000));
}

// systemd's PrivateUsers=yes: root and the service's user only; every other
// caller reads as the overflow uid 65534, which then means nobody known.
TEST(UidMap, APrivateUsersMapLeavesTheOverflowUidUnmapped) {
  auto map = UidMap::parse("0 0 1\n61234 61234 1\n");
  EXPECT_TRUE(map.contains(0));
  EXPECT_TRUE(map.contains(61234));
  EXPECT_FALSE(map.contains(65534));
  EXPECT_FALSE(map.contains(1000));
  EXPECT_FALSE(UidMap::parse("").contains(0));
}

}  // namespace
}  // namespace airlock::net
