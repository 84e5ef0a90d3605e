// Operator logs for the journal. Under systemd, when stderr is the journal
// stream ($JOURNAL_STREAM names stderr's device:inode, systemd.exec(5)), log
// lines go to journald natively with sd_journal_send: MESSAGE, PRIORITY,
// SYSLOG_IDENTIFIER=airlockd, AIRLOCK_LOGGER, and CODE_FILE/CODE_LINE/
// CODE_FUNC when the call site is known, so `journalctl -u airlockd -p
// warning` and field matches work. If journald's native socket is missing,
// lines go to the stream with a "<N>" priority prefix instead. Otherwise (a
// terminal, a test) lines go to stderr as before.
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
