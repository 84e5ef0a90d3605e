// airlock-replay ls: one line per recording, filtered by metadata.
#include <CLI/CLI.hpp>
#include <iostream>

#include "airlock/recording_reader.h"
#include "commands.h"
#include "exporter.h"
#include "recording_dir.h"
#include "time_format.h"

namespace airlock::replay::cli {

namespace {

struct LsOptions {
  std::string user, target, appId, command, since, until;
};

bool matches(const RecordingMetadata& m, const LsOptions& o, uint64_t since, uint64_t until) {
  if (!o.user.empty() && m.user != o.user) return false;
  if (!o.target.empty() && m.target != o.target) return false;
  if (!o.appId.empty() && m.appId != o.appId) return false;
  if (!o.command.empty() && joinCommand(m.argv).find(o.command) == std::string::npos) return false;
  return m.startTimeUnixUs >= since && m.startTimeUnixUs < until;
}

int runLs(const GlobalOptions& global, const LsOptions& o) {
  uint64_t since = 0, until = UINT64_MAX;
  for (auto [text, value] : {std::pair{&o.since, &since}, std::pair{&o.until, &until}}) {
    if (text->empty()) continue;
    auto t = parseUtc(*text);
    if (!t) {
      std::cerr << "airlock-replay ls: " << t.error().message << "\n";
      return kExitUsage;
    }
    *value = *t;
  }
  int status = kExitOk;
  for (const std::string& path : listRecordings(global.dir)) {
    auto reader = RecordingReader::openFile(path);
    if (!reader) {
      std::cerr << path << ": " << reader.error().message << "\n";
      status = kExitInvalid;
      continue;
    }
    const RecordingMetadata& m = reader->metadata();
    if (!matches(m, o, since, until)) continue;
    std::cout << formatUtc(m.startTimeUnixUs) << "  " << formatOffset(reader->durationUs()) << "  "
              << tailStateName(reader->tail()) << "  " << m.sessionId << "  " << m.user << "@"
              << m.target << (m.appId.empty() ? "" : " app=" + m.appId) << "  "
              << joinCommand(m.argv) << "\n";
  }
  return status;
}

}  // namespace

void addLsCommand(CLI::App& app, const GlobalOptions& global, int* exitCode) {
  auto o = std::make_shared<LsOptions>();
  CLI::App* cmd = app.add_subcommand("ls", "List recordings (filters combine with AND)");
  cmd->add_option("--user", o->user, "Only this user");
  cmd->add_option("--target", o->target, "Only this target");
  cmd->add_option("--app", o->appId, "Only this app id");
  cmd->add_option("--command", o->command, "Only commands containing this text");
  cmd->add_option("--since", o->since, "Started at or after (YYYY-MM-DD[THH:MM[:SS]] UTC, @UNIX)");
  cmd->add_option("--until", o->until, "Started before (same forms)");
  cmd->callback([&global, o, exitCode] { *exitCode = runLs(global, *o); });
}

}  // namespace airlock::replay::cli
