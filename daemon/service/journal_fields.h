// The structured journal fields an operator log line carries besides
// MESSAGE and PRIORITY. They are read from the conventions the daemon's
// lines already follow, so call sites stay plain spdlog calls:
//  - "audit {JSON}" (auth::AuditLog): every member but "time" becomes
//    AIRLOCK_<MEMBER> (AIRLOCK_EVENT, AIRLOCK_UID, AIRLOCK_DECISION,
//    AIRLOCK_RULE, AIRLOCK_SESSION_ID, ...), plus the event's MESSAGE_ID;
//  - "session <uuid>" anywhere in a line: AIRLOCK_SESSION_ID;
//  - "key=value" words: AIRLOCK_<KEY> (principal=, target=, user=, pid=...).
// The first field of a name wins. Sans-I/O: a string in, fields out. Any
// thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace airlock::service {

struct JournalField {
  std::string name;   // [A-Z0-9_], starts with a letter, at most 64 bytes.
  std::string value;  // At most kMaxJournalFieldValue bytes (cut there).
};

inline constexpr size_t kMaxJournalFieldValue = 4096;
inline constexpr size_t kMaxJournalFields = 32;

// MESSAGE_IDs of the audit events (`journalctl MESSAGE_ID=...`), by `event`.
inline constexpr std::string_view kAuditDecisionMessageId = "b770ae9dd52647f39b958b02660a9406";
inline constexpr std::string_view kAuditSessionStartMessageId = "3839562f30d84e3c8578e7d68ccccb37";
inline constexpr std::string_view kAuditSessionEndMessageId = "3cc66108c9da41c6af81e88c6dc5e3c1";
inline constexpr std::string_view kAuditDelegationMessageId = "8de502c3999f494abbff582137038d5c";

std::vector<JournalField> journalFieldsOf(std::string_view message);

}  // namespace airlock::service
