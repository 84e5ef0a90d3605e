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
