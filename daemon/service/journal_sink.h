// Operator logs for the journal. Under systemd, when stderr is the journal
// stream ($JOURNAL_STREAM names stderr's device:inode, systemd.exec(5)), log
// lines go to journald natively (sd_journal_sendv): MESSAGE, PRIORITY (from
// the spdlog level: trace and debug 7, info 6, warn 4, error 3, critical 2),
// SYSLOG_IDENTIFIER=airlockd, AIRLOCK_LOGGER, CODE_FILE/CODE_LINE/CODE_FUNC
// when the call site is known, and the fields of journal_fields.h
// (AIRLOCK_SESSION_ID, AIRLOCK_UID, AIRLOCK_EVENT, MESSAGE_ID, ...), so
// `journalctl -u airlockd -p warning` and field matches work. If journald's
// native socket is missing, lines go to the stream with a "<N>" priority
// prefix instead. Otherwise (a terminal, a test) lines go to stderr as before.
// Loggers are for the loop thread (the sinks lock, so any thread is safe).
#pragma once

#include <memory>
#include <string>

#include <spdlog/logger.h>

namespace airlock::service {

// True when stderr is connected to the journal ($JOURNAL_STREAM matches).
bool stderrIsJournal();
// The daemon's logger: journal when `stderrIsJournal()`, else stderr.
std::shared_ptr<spdlog::logger> makeDaemonLogger(const std::string& name);

}  // namespace airlock::service
