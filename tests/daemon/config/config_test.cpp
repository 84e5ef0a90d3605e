#include "config/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace airlock::config {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  std::string writeConfig(const std::string& text) {
    char path[] = "/tmp/airlock-config-XXXXXX";
    int fd = mkstemp(path);
    EXPECT_GE(fd, 0);
    close(fd);
    std::ofstream(path) << text;
    paths_.push_back(path);
    return path;
  }
  void TearDown() override {
    for (const auto& p : paths_) unlink(p.c_str());
  }
  std::vector<std::string> paths_;
};

TEST_F(ConfigTest, ReadsEverySection) {
  auto config = loadConfigFile(writeConfig(R"(
[server]
listen = "127.0.0.1:0"
log_level = "debug"

[limits]
max_sessions_per_user = 3
session_buffer_bytes = 65536
kill_grace_ms = 100

[[target]]
id = "web-1"
app_id = "/prod/web"
user = "nobody"
pid = 1
labels = { MESOS_TERM_DEBUG_GRANTED_TO = "alice, bob" }
)"));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->listen_port, 0);
  EXPECT_EQ(config->log_level, "debug");
  EXPECT_EQ(config->limits.max_sessions_per_user, 3u);
  EXPECT_EQ(config->limits.session_buffer_bytes, 65536u);
  ASSERT_EQ(config->targets.size(), 1u);
  EXPECT_EQ(config->targets[0].app_id, "/prod/web");
  EXPECT_EQ(config->targets[0].pid, 1);
  EXPECT_EQ(config->targets[0].labels.at("MESOS_TERM_DEBUG_GRANTED_TO"), "alice, bob");
}

TEST_F(ConfigTest, UnknownKeysAreErrorsNamingTheKey) {
  auto config = loadConfigFile(writeConfig("[limits]\nmax_sesions_per_user = 3\n"));
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("limits.max_sesions_per_user"), std::string::npos);
}

TEST_F(ConfigTest, BadValuesAreErrorsNamingTheKey) {
  auto config = loadConfigFile(writeConfig("[limits]\nkill_grace_ms = -5\n"));
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("limits.kill_grace_ms"), std::string::npos);
  config = loadConfigFile(writeConfig("[server]\nlisten = \"127.0.0.1:99999\"\n"));
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("server.listen"), std::string::npos);
}

TEST_F(ConfigTest, DuplicateAndReservedTargetIdsAreRejected) {
  auto config = loadConfigFile(writeConfig("[[target]]\nid = \"host\"\n"));
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("already defined"), std::string::npos);
}

TEST_F(ConfigTest, SyntaxErrorsNameTheLine) {
  auto config = loadConfigFile(writeConfig("[server]\nlisten = \n"));
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find(":2:"), std::string::npos) << config.error().message;
}

TEST(ParseHostPortTest, AcceptsIpv4Ipv6AndNames) {
  auto a = parseHostPort("127.0.0.1:7122");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 7122);
  auto b = parseHostPort("[::1]:0");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "::1");
  EXPECT_FALSE(parseHostPort("127.0.0.1").ok());
  EXPECT_FALSE(parseHostPort("127.0.0.1:x").ok());
  EXPECT_FALSE(parseHostPort("[::1]0").ok());
}

}  // namespace
}  // namespace airlock::config
