// AuditLog: one JSON line per decision and per session start and end (time,
// event, uid, operation, target, app id, decision, rule, session id, peer),
// appended to `auth.audit_log` and/or written to the daemon log (stderr, so
// the journal under systemd). Lines are small single write(2)s on an O_APPEND
// file. Tokens are never part of an event. Owned by the Daemon; loop thread.
#pragma once

#include <string>

#include "airlock/result.h"

namespace airlock::auth {

struct AuditEvent {
  std::string event;      // "decision", "session_start", "session_end", "open_failed" (the
                          // target could not be resolved), "delegation".
  std::string uid;
  std::string operation;
  std::string target;
  std::string app_id;
  std::string decision;   // "allow", "deny", "unauthenticated"; empty for session events.
  std::string rule;
  std::string session_id;
  std::string peer;
};

class AuditLog {
 public:
  AuditLog() = default;
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // `path` empty: no file. `to_log`: also an info line in the daemon log.
  Result<void> open(const std::string& path, bool to_log);
  void record(const AuditEvent& event);

  // The JSON line (without newline) for `event` at `unix_ms`.
  static std::string format(const AuditEvent& event, int64_t unix_ms);

 private:
  int fd_ = -1;
  bool to_log_ = false;
};

}  // namespace airlock::auth
