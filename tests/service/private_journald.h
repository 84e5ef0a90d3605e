// PrivateJournald: a real systemd-journald that only this test process and
// its children can see. The process enters a mount namespace of its own
// (propagation private: no mount reaches the host), puts a tmpfs over /run
// (and over /var/log/journal and journald's config drop-in directories),
// binds a journald.conf of its own (Storage=volatile, no kmsg, no rate
// limit) over /etc/systemd/journald.conf, and starts systemd-journald, which
// makes /run/systemd/journal/{socket,stdout,io.systemd.journal} and writes
// /run/log/journal in that tmpfs. The host's journal is never touched.
//
// The namespace is the calling thread's: construct and use this on the test
// (main) thread, and start the processes that should log to it from there.
// Test thread only.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace airlock::testing {

// One journal entry as `journalctl -o json` shows it; a field sent more than
// once has several values, binary values are decoded to their bytes.
struct JournalEntry {
  std::map<std::string, std::vector<std::string>> fields;
  // The first value of `name`, or "".
  std::string get(const std::string& name) const;
  bool has(const std::string& name) const { return fields.count(name) != 0; }
};

class PrivateJournald {
 public:
  PrivateJournald();
  ~PrivateJournald();
  PrivateJournald(const PrivateJournald&) = delete;
  PrivateJournald& operator=(const PrivateJournald&) = delete;

  // "" when journald runs; else why it cannot here (no mount namespace, a
  // mount refused, no journald binary, no machine id): the test skips.
  const std::string& skipReason() const { return skip_reason_; }

  // A stream connection to journald's stdout socket, as systemd gives a
  // unit's stderr (identifier `identifier`, "<N>" prefixes honoured). The
  // caller owns the fd; `journalStreamOf(fd)` is its $JOURNAL_STREAM.
  int openStream(const std::string& identifier) const;
  static std::string journalStreamOf(int fd);

  // Every entry matching `matches` ("FIELD=value", ANDed as journalctl does)
  // after journald wrote everything it had received (journalctl --sync).
  std::vector<JournalEntry> entries(const std::vector<std::string>& matches) const;
  // journald's own diagnostics (its stderr), for failure messages.
  std::string journaldLog() const;

 private:
  std::string start();
  pid_t pid_ = -1;
  std::string skip_reason_;
  std::string log_path_;
};

}  // namespace airlock::testing
