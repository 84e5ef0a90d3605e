#include "client/cli/list_command.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace airlock::client {
namespace {

TEST(FormatSessionTable, HeaderOnlyWhenEmpty) {
  std::string table = formatSessionTable(v1::Sessions(), 0);
  EXPECT_EQ(table.find("SESSION"), 0u);
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 1);
}

TEST(FormatSessionTable, AlignsColumnsAndSanitises) {
  v1::Sessions sessions;
  auto* a = sessions.add_sessions();
  a->set_session_id("abc");
  a->set_target("host");
  a->add_argv("bash");
  a->add_argv("-c");
  a->add_argv("echo\nhi");
  a->set_tty(true);
  a->set_pid(42);
  a->set_started_unix_ms(1'000'000);
  auto* b = sessions.add_sessions();
  b->set_session_id("a-much-longer-id");
  b->set_target("host");
  b->add_argv(std::string(100, 'x'));
  b->set_user("root");
  b->set_principal("alice");
  std::string table = formatSessionTable(sessions, 1'000'000 + 90'000);
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl; (nl = table.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(table.substr(start, nl - start));
  }
  ASSERT_EQ(lines.size(), 3u);
  // TARGET starts in the same column on every line.
  size_t column = lines[0].find("TARGET");
  EXPECT_EQ(lines[1].find("host"), column);
  EXPECT_EQ(lines[2].find("host"), column);
  EXPECT_NE(lines[1].find("bash -c echo?hi"), std::string::npos);
  EXPECT_NE(lines[1].find("90s"), std::string::npos);
  EXPECT_NE(lines[2].find("..."), std::string::npos);
  EXPECT_NE(lines[2].find("alice"), std::string::npos);
}

TEST(FormatSessionTable, SaysWhenTheDaemonCutTheList) {
  v1::Sessions sessions;
  auto* a = sessions.add_sessions();
  a->set_session_id("abc");
  a->add_argv("sh");
  a->set_argv_truncated(true);
  sessions.set_truncated(true);
  sessions.set_total(120);
  std::string table = formatSessionTable(sessions, 0);
  EXPECT_NE(table.find("sh..."), std::string::npos) << table;
  EXPECT_NE(table.find("(1 of 120 sessions shown: the list was cut to fit one reply)\n"), std::string::npos)
      << table;
}

}  // namespace
}  // namespace airlock::client
