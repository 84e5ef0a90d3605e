// airlock-replay info: metadata and structure of one recording.
#include <CLI/CLI.hpp>
#include <iostream>

#include "airlock/recording_reader.h"
#include "commands.h"
#include "exporter.h"
#include "recording_dir.h"
#include "time_format.h"

namespace airlock::replay::cli {

namespace {

int runInfo(const GlobalOptions& global, const std::string& which) {
  auto path = resolveRecording(global.dir, which);
  auto reader = path ? RecordingReader::openFile(*path) : Result<RecordingReader>(path.error());
  if (!reader) {
    std::cerr << "airlock-replay info: " << reader.error().message << "\n";
    return kExitInvalid;
  }
  const RecordingMetadata& m = reader->metadata();
  auto line = [](const char* k, const std::string& v) { std::cout << k << ": " << v << "\n"; };
  line("file", *path);
  line("session", m.sessionId);
  line("user", m.user);
  line("target", m.target);
  line("app id", m.appId);
  line("command", joinCommand(m.argv));
  line("tty", m.tty ? std::to_string(m.cols) + "x" + std::to_string(m.rows) + " " + m.term : "no");
  line("authorization", m.authzDecision + " by rule " + m.authzRule);
  line("agent", m.agentId + " on " + m.hostname);
  line("daemon version", m.daemonVersion);
  line("started", formatUtc(m.startTimeUnixUs));
  line("duration", formatOffset(reader->durationUs()));
  line("input policy", m.inputPolicy);
  line("signing key id", m.signingKeyId);
  line("frames", std::to_string(reader->frames().size()) + " (checkpoint every " +
                     std::to_string(m.checkpointEveryFrames) + ")");
  line("bytes", std::to_string(reader->validBytes()) + " valid of " +
                    std::to_string(reader->fileBytes()));
  line("state", tailStateName(reader->tail()));
  for (const auto& [k, v] : m.labels) line(("label " + k).c_str(), v);
  return kExitOk;
}

}  // namespace

void addInfoCommand(CLI::App& app, const GlobalOptions& global, int* exitCode) {
  auto which = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("info", "Show a recording's metadata");
  cmd->add_option("recording", *which, "File or session id")->required();
  cmd->callback([&global, which, exitCode] { *exitCode = runInfo(global, *which); });
}

}  // namespace airlock::replay::cli
