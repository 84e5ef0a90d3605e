// AIRLOCK_* environment variables -> config overrides.
#include "config/env_overrides.h"

#include <gtest/gtest.h>

#include "config/config.h"

namespace airlock::config {
namespace {

std::vector<std::string> overridesOf(std::vector<std::string> env) {
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  return envOverrides(envp.data());
}

TEST(EnvOverridesTest, SectionAndKeyAreLowerCasedAndTheLongestSectionWins) {
  EXPECT_EQ(overridesOf({"AIRLOCK_LIMITS_KILL_GRACE_MS=500", "PATH=/bin",
                         "AIRLOCK_AUTH_LABEL_RULES_ENABLED=true", "AIRLOCK_AUTH_MODE=permissive",
                         "AIRLOCK_BACKEND=mesos", "AIRLOCK_SERVER_LISTEN=127.0.0.1:0"}),
            (std::vector<std::string>{"limits.kill_grace_ms=500", "auth.label_rules.enabled=true",
                                      "auth.mode=permissive", "backend=mesos",
                                      "server.listen=127.0.0.1:0"}));
}

TEST(EnvOverridesTest, VariablesOutsideTheConfigAreSkipped) {
  EXPECT_TRUE(overridesOf({"AIRLOCK_URL=ws://x/", "AIRLOCK_TOKEN_FILE=/t", "AIRLOCK_CONFIG=/c",
                           "AIRLOCK_LIMITS_=1", "AIRLOCKLIMITS_X=1", "LIMITS_X=1"})
                  .empty());
}

TEST(EnvOverridesTest, ValuesAreReadLikeDashO) {
  auto config = loadConfig("", overridesOf({"AIRLOCK_LIMITS_DRAIN_GRACE_MS=2500",
                                            "AIRLOCK_SERVER_LOG_LEVEL=debug",
                                            "AIRLOCK_SERVER_INSECURE_NO_AUTH=true"}));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->limits.drain_grace_ms, 2500u);
  EXPECT_EQ(config->log_level, "debug");
  EXPECT_TRUE(config->insecure_no_auth);
  auto bad = loadConfig("", overridesOf({"AIRLOCK_LIMITS_KILL_GRACE_MS=soon"}));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("limits.kill_grace_ms"), std::string::npos);
}

}  // namespace
}  // namespace airlock::config
