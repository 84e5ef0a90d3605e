// journalFieldsOf: the structured journal fields read from the daemon's log
// line conventions (audit JSON, "session <uuid>", key=value words).
#include <gtest/gtest.h>

#include <map>

#include "service/journal_fields.h"

namespace airlock::service {
namespace {

constexpr const char* kId = "0b9f7c3e-2d4a-4c1b-9e8f-123456789abc";

std::map<std::string, std::string> fieldsOf(std::string_view message) {
  std::map<std::string, std::string> out;
  for (auto& f : journalFieldsOf(message)) {
    EXPECT_TRUE(out.emplace(f.name, f.value).second) << "twice: " << f.name;
  }
  return out;
}

TEST(JournalFieldsTest, SessionStartLineGivesTheSessionIdAndItsKeyValues) {
  auto f = fieldsOf(std::string("session ") + kId +
                    " started: principal=alice target=host user=root tty=1 pid=42 argv0=bash");
  EXPECT_EQ(f["AIRLOCK_SESSION_ID"], kId);
  EXPECT_EQ(f["AIRLOCK_PRINCIPAL"], "alice");
  EXPECT_EQ(f["AIRLOCK_TARGET"], "host");
  EXPECT_EQ(f["AIRLOCK_USER"], "root");
  EXPECT_EQ(f["AIRLOCK_TTY"], "1");
  EXPECT_EQ(f["AIRLOCK_PID"], "42");
  EXPECT_EQ(f["AIRLOCK_ARGV0"], "bash");
  EXPECT_EQ(f.size(), 7u);
}

TEST(JournalFieldsTest, SessionIdAnywhereButOnlyUuidShaped) {
  EXPECT_EQ(fieldsOf(std::string("audit: recording of session ") + kId + " (principal bob) failed")
                ["AIRLOCK_SESSION_ID"],
            kId);
  EXPECT_EQ(fieldsOf(std::string("session ") + kId + ": recording sealed")["AIRLOCK_SESSION_ID"], kId);
  EXPECT_TRUE(fieldsOf("session process 1234: cannot write EOF").empty());
  EXPECT_TRUE(fieldsOf("client 127.0.0.1:5: session refused: too many").empty());
  // One character longer is not a session id.
  EXPECT_TRUE(fieldsOf(std::string("session ") + kId + "0 ended").empty());
  EXPECT_TRUE(fieldsOf("airlockd listening on 127.0.0.1:7122 (backend local)").empty());
}

TEST(JournalFieldsTest, AuditJsonMembersBecomeFieldsWithTheEventsMessageId) {
  auto f = fieldsOf(std::string(R"(audit {"time":"2025-01-01T00:00:00.000Z","event":"decision",)") +
                    R"("uid":"alice","operation":"exec-tty","decision":"deny","rule":"deny: no",)" +
                    R"("session_id":")" + kId + R"(","peer":"127.0.0.1:4000","n":3,"x":[1]})");
  EXPECT_EQ(f["AIRLOCK_EVENT"], "decision");
  EXPECT_EQ(f["AIRLOCK_UID"], "alice");
  EXPECT_EQ(f["AIRLOCK_OPERATION"], "exec-tty");
  EXPECT_EQ(f["AIRLOCK_DECISION"], "deny");
  EXPECT_EQ(f["AIRLOCK_RULE"], "deny: no");
  EXPECT_EQ(f["AIRLOCK_SESSION_ID"], kId);
  EXPECT_EQ(f["AIRLOCK_PEER"], "127.0.0.1:4000");
  EXPECT_EQ(f["AIRLOCK_N"], "3");
  EXPECT_EQ(f["MESSAGE_ID"], kAuditDecisionMessageId);
  EXPECT_EQ(f.count("AIRLOCK_TIME"), 0u);  // The journal has its own timestamps.
  EXPECT_EQ(f.count("AIRLOCK_X"), 0u);     // Only scalars.
  EXPECT_EQ(fieldsOf(R"(audit {"event":"session_start"})")["MESSAGE_ID"], kAuditSessionStartMessageId);
  EXPECT_EQ(fieldsOf(R"(audit {"event":"session_end"})")["MESSAGE_ID"], kAuditSessionEndMessageId);
  EXPECT_EQ(fieldsOf(R"(audit {"event":"delegation"})")["MESSAGE_ID"], kAuditDelegationMessageId);
  EXPECT_EQ(fieldsOf(R"(audit {"event":"other"})").count("MESSAGE_ID"), 0u);
  // Not JSON: no fields, and no key=value guessing inside an audit line.
  EXPECT_TRUE(fieldsOf("audit {uid=alice").empty());
}

TEST(JournalFieldsTest, OnlyWellFormedLowerCaseKeysFirstOneWinsValuesAreCapped) {
  auto f = fieldsOf("a=1, a=2 B=3 -o=4 server.listen=x k= =v x-y=5 long=" +
                    std::string(kMaxJournalFieldValue + 10, 'v'));
  EXPECT_EQ(f["AIRLOCK_A"], "1");
  EXPECT_EQ(f["AIRLOCK_LONG"].size(), kMaxJournalFieldValue);
  EXPECT_EQ(f.size(), 2u);
  std::string many;
  for (int i = 0; i < 100; ++i) many += "k" + std::to_string(i) + "=v ";
  EXPECT_EQ(journalFieldsOf(many).size(), kMaxJournalFields);
}

}  // namespace
}  // namespace airlock::service
