#include "service/journal_sink.h"

#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
// Without this, sd-journal.h adds CODE_* naming this file to every entry.
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string_view>
#include <vector>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include "service/journal_fields.h"

namespace airlock::service {
namespace {

int priorityOf(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug: return LOG_DEBUG;
    case spdlog::level::info: return LOG_INFO;
    case spdlog::level::warn: return LOG_WARNING;
    case spdlog::level::err: return LOG_ERR;
    case spdlog::level::critical: return LOG_CRIT;
    default: return LOG_INFO;
  }
}

// One journal entry per message, sent natively (binary-safe: a message may
// hold newlines). Values go in as iovecs, so nothing is printf-formatted.
class JournalSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string_view text(msg.payload.data(), msg.payload.size());
    int priority = priorityOf(msg.level);
    std::vector<std::string> entry = {
        "MESSAGE=" + std::string(text), "PRIORITY=" + std::to_string(priority),
        "SYSLOG_IDENTIFIER=airlockd",
        "AIRLOCK_LOGGER=" + std::string(msg.logger_name.data(), msg.logger_name.size())};
    if (msg.source.filename != nullptr) {
      entry.push_back(std::string("CODE_FILE=") + msg.source.filename);
      entry.push_back("CODE_LINE=" + std::to_string(msg.source.line));
      if (msg.source.funcname != nullptr) {
        entry.push_back(std::string("CODE_FUNC=") + msg.source.funcname);
      }
    }
    for (auto& field : journalFieldsOf(text)) {
      if (field.name == "AIRLOCK_LOGGER") continue;
      entry.push_back(field.name + "=" + field.value);
    }
    std::vector<iovec> iov;
    iov.reserve(entry.size());
    for (auto& field : entry) iov.push_back({field.data(), field.size()});
    // journald away (restarting): the line still reaches the stream, with
    // its priority as a "<N>" prefix (sd-daemon(3)).
    if (sd_journal_sendv(iov.data(), static_cast<int>(iov.size())) < 0) {
      std::fprintf(stderr, "<%d>%.*s\n", priority, static_cast<int>(text.size()), text.data());
    }
  }
  void flush_() override {}
};

// Stderr is the journal stream but journald's native socket is not there
// (sd_journal_send would drop the lines silently): one line per message on
// stderr with its "<N>" priority prefix, which journald's stream reader
// turns into PRIORITY (SyslogLevelPrefix=yes, the default).
class PrefixedStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::fprintf(stderr, "<%d>%.*s\n", priorityOf(msg.level), static_cast<int>(msg.payload.size()),
                 msg.payload.data());
  }
  void flush_() override { std::fflush(stderr); }
};

constexpr const char* kJournalSocket = "/run/systemd/journal/socket";

}  // namespace

bool stderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
  struct stat st {};
  if (fstat(2, &st) != 0) return false;
  return st.st_dev == dev && st.st_ino == ino;
}

std::shared_ptr<spdlog::logger> makeDaemonLogger(const std::string& name) {
  if (stderrIsJournal()) {
    if (access(kJournalSocket, W_OK) == 0) {
      return std::make_shared<spdlog::logger>(name, std::make_shared<JournalSink>());
    }
    return std::make_shared<spdlog::logger>(name, std::make_shared<PrefixedStderrSink>());
  }
  return spdlog::stderr_color_mt(name);
}

}  // namespace airlock::service
