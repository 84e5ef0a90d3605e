#include "client/cli/cli_options.h"

#include <gtest/gtest.h>

#include "client/cli/exit_codes.h"

namespace airlock::client {
namespace {

Result<CliOptions> parse(std::vector<std::string> args, const char* env_url = nullptr,
                         const char* env_token = nullptr) {
  return parseCommandLine(args, env_url, env_token);
}

TEST(CliOptions, ExecFlagsStopAtTarget) {
  auto cli = parse({"exec", "-it", "-u", "alice", "-e", "A=1", "--env=B=2=3", "host", "--", "ls",
                    "-la", "-t"});
  ASSERT_TRUE(cli.ok()) << cli.error().message;
  EXPECT_EQ(cli->command, CliOptions::Command::kExec);
  EXPECT_TRUE(cli->exec.interactive);
  EXPECT_TRUE(cli->exec.tty);
  EXPECT_EQ(cli->exec.user, "alice");
  ASSERT_EQ(cli->exec.env.size(), 2u);
  EXPECT_EQ(cli->exec.env[1].first, "B");
  EXPECT_EQ(cli->exec.env[1].second, "2=3");
  EXPECT_EQ(cli->exec.target, "host");
  EXPECT_EQ(cli->exec.argv, (std::vector<std::string>{"ls", "-la", "-t"}));
  EXPECT_EQ(cli->url, kDefaultUrl);
}

TEST(CliOptions, DoubleDashIsOptionalAfterTarget) {
  auto cli = parse({"exec", "host", "sh", "-c", "exit 7"});
  ASSERT_TRUE(cli.ok());
  EXPECT_FALSE(cli->exec.interactive);
  EXPECT_EQ(cli->exec.argv, (std::vector<std::string>{"sh", "-c", "exit 7"}));
  // A second "--" belongs to the command.
  auto dashes = parse({"exec", "host", "--", "echo", "--"});
  ASSERT_TRUE(dashes.ok());
  EXPECT_EQ(dashes->exec.argv, (std::vector<std::string>{"echo", "--"}));
}

TEST(CliOptions, GlobalFlagsAndEnvironment) {
  auto from_env = parse({"ls"}, "ws://10.0.0.1:1/", "/tmp/tok");
  ASSERT_TRUE(from_env.ok());
  EXPECT_EQ(from_env->command, CliOptions::Command::kList);
  EXPECT_EQ(from_env->url, "ws://10.0.0.1:1/");
  EXPECT_EQ(from_env->token_file, "/tmp/tok");
  auto flags = parse({"--url=ws://h:2/", "--token-file", "f", "ls"}, "ws://10.0.0.1:1/");
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(flags->url, "ws://h:2/");
  EXPECT_EQ(flags->token_file, "f");
}

TEST(CliOptions, DelegateAndDurations) {
  auto cli = parse({"delegate", "web-1", "--to", "harry", "--for=1h30m"});
  ASSERT_TRUE(cli.ok()) << cli.error().message;
  EXPECT_EQ(cli->command, CliOptions::Command::kDelegate);
  EXPECT_EQ(cli->delegate.target, "web-1");
  EXPECT_EQ(cli->delegate.delegate, "harry");
  EXPECT_EQ(cli->delegate.lifetime_s, 5400u);
  auto flags_first = parse({"delegate", "--to=bob", "web-2"});
  ASSERT_TRUE(flags_first.ok());
  EXPECT_EQ(flags_first->delegate.target, "web-2");
  EXPECT_EQ(flags_first->delegate.lifetime_s, 0u);  // The daemon's default.
  for (auto bad : std::vector<std::vector<std::string>>{{"delegate", "web-1"},
                                                        {"delegate", "--to", "bob"},
                                                        {"delegate", "a", "b", "--to", "bob"},
                                                        {"delegate", "a", "--to", "bob", "--for", "1y"}}) {
    auto r = parse(bad);
    ASSERT_FALSE(r.ok()) << bad.back();
    EXPECT_EQ(r.error().code, kExitUsage);
  }
  auto exec = parse({"exec", "--delegation", "T.O.K", "web-1", "--", "true"});
  ASSERT_TRUE(exec.ok());
  EXPECT_EQ(exec->exec.delegation, "T.O.K");

  EXPECT_EQ(*parseDuration("90"), 90u);
  EXPECT_EQ(*parseDuration("90s"), 90u);
  EXPECT_EQ(*parseDuration("30m"), 1800u);
  EXPECT_EQ(*parseDuration("2h"), 7200u);
  EXPECT_EQ(*parseDuration("1d"), 86400u);
  EXPECT_EQ(*parseDuration("1h30m5s"), 5405u);
  for (std::string bad : {"", "0", "0s", "h", "1h30", "-5m", "1.5h", "99999999999999h", "5 m"}) {
    EXPECT_FALSE(parseDuration(bad).ok()) << bad;
  }
}

TEST(CliOptions, HelpAndVersion) {
  EXPECT_EQ(parse({"--help"})->command, CliOptions::Command::kHelp);
  EXPECT_EQ(parse({"exec", "--help"})->command, CliOptions::Command::kHelp);
  EXPECT_EQ(parse({"--version"})->command, CliOptions::Command::kVersion);
  EXPECT_NE(usageText().find("125"), std::string::npos);
}

TEST(CliOptions, UsageErrors) {
  for (std::vector<std::string> bad : std::vector<std::vector<std::string>>{
           {},
           {"frobnicate"},
           {"--bogus", "ls"},
           {"ls", "extra"},
           {"exec"},
           {"exec", "host"},
           {"exec", "host", "--"},
           {"exec", "-x", "host", "ls"},
           {"exec", "--", "ls"},
           {"exec", "-e", "NOEQUALS", "host", "ls"},
           {"exec", "-e", "=v", "host", "ls"},
           {"exec", "-u"},
           {"--url"}}) {
    auto cli = parse(bad);
    ASSERT_FALSE(cli.ok()) << ::testing::PrintToString(bad);
    EXPECT_EQ(cli.error().code, kExitUsage);
  }
}

}  // namespace
}  // namespace airlock::client
