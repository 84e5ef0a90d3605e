// issueDelegation: who may mint, for how long, and that what it mints
// verifies for exactly the task and delegate it names.
#include "auth/delegation_issuer.h"

#include <gtest/gtest.h>

namespace airlock::auth {
namespace {

constexpr int64_t kNow = 1700000000;
const std::string kSecret(40, 's');

Authorizer authorizer(std::string secret = kSecret, int64_t max_lifetime = 3600) {
  AuthorizerConfig config;
  config.label_rules.enabled = true;
  config.label_rules.super_admin_users = {"boss"};
  config.label_rules.super_admin_groups = {"admins"};
  config.delegation_secret = std::move(secret);
  config.delegation_max_lifetime_s = max_lifetime;
  return Authorizer(config);
}

Subject subject(std::string uid, std::vector<std::string> groups = {}, std::vector<Grant> grants = {}) {
  return Subject{std::move(uid), std::move(groups), std::move(grants)};
}

TEST(DelegationIssuer, SuperAdminsGetATokenForOneTaskAndOneUser) {
  auto issued = issueDelegation(authorizer(), subject("boss"), {"web-1", "harry", 600, kNow});
  ASSERT_TRUE(issued) << issued.error().message;
  EXPECT_EQ(issued->claims.expires_at, kNow + 600);
  auto verified = verifyDelegation(kSecret, issued->token, kNow + 1, 3600);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->task_id, "web-1");
  EXPECT_EQ(verified->delegate, "harry");
  EXPECT_EQ(verified->issuer, "boss");
  EXPECT_FALSE(verifyDelegation(kSecret, issued->token, kNow + 600, 3600));  // Expired.

  // A super admin by group, and a dcos:superuser holder.
  EXPECT_TRUE(issueDelegation(authorizer(), subject("carol", {"admins"}), {"web-1", "harry", 0, kNow}));
  EXPECT_TRUE(issueDelegation(authorizer(),
                              subject("dave", {}, {Grant{"dcos:superuser", {"full"}, "user dave"}}),
                              {"web-1", "harry", 0, kNow}));
}

TEST(DelegationIssuer, RefusesWithAReason) {
  auto not_admin = issueDelegation(authorizer(), subject("alice", {"dev"}), {"web-1", "harry", 60, kNow});
  ASSERT_FALSE(not_admin);
  EXPECT_NE(not_admin.error().message.find("only super admins may issue delegations"), std::string::npos);
  auto disabled = issueDelegation(authorizer(""), subject("boss"), {"web-1", "harry", 60, kNow});
  ASSERT_FALSE(disabled);
  EXPECT_NE(disabled.error().message.find("not enabled"), std::string::npos);
  auto too_long = issueDelegation(authorizer(), subject("boss"), {"web-1", "harry", 3601, kNow});
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().message,
            "a delegation may last at most 3600 s (auth.label_rules.delegation_max_lifetime_s); "
            "3601 s were asked for");
  EXPECT_FALSE(issueDelegation(authorizer(), subject("boss"), {"web-1", "harry", -5, kNow}));
  EXPECT_FALSE(issueDelegation(authorizer(), subject("boss"), {"web-1", "bad uid", 60, kNow}));
  EXPECT_FALSE(issueDelegation(authorizer(), subject("boss"), {"web-1", "anonymous!", 60, kNow}));
  EXPECT_FALSE(issueDelegation(authorizer(), subject("boss"), {"", "harry", 60, kNow}));
}

TEST(DelegationIssuer, TheDefaultLifetimeIsAnHourOrTheMaximum) {
  auto hour = issueDelegation(authorizer(), subject("boss"), {"t", "harry", 0, kNow});
  ASSERT_TRUE(hour);
  EXPECT_EQ(hour->claims.expires_at - hour->claims.issued_at, 3600);
  auto capped = issueDelegation(authorizer(kSecret, 900), subject("boss"), {"t", "harry", 0, kNow});
  ASSERT_TRUE(capped);
  EXPECT_EQ(capped->claims.expires_at - capped->claims.issued_at, 900);
}

}  // namespace
}  // namespace airlock::auth
