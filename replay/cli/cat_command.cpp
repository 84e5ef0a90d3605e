// airlock-replay cat: the output bytes exactly as the user's terminal got them.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "airlock/recording_reader.h"
#include "commands.h"
#include "event_walk.h"
#include "recording_dir.h"
#include "write_all.h"

namespace airlock::replay::cli {

namespace {

int runCat(const GlobalOptions& global, const std::string& which) {
  auto path = resolveRecording(global.dir, which);
  auto reader = path ? RecordingReader::openFile(*path) : Result<RecordingReader>(path.error());
  if (!reader) {
    std::cerr << "airlock-replay cat: " << reader.error().message << "\n";
    return kExitInvalid;
  }
  auto walked = forEachEvent(*reader, 0, [](const Event& e) {
    return e.type != EventType::kOutput || writeAll(STDOUT_FILENO, e.data);
  });
  if (!walked) {
    std::cerr << "airlock-replay cat: " << walked.error().message << "\n";
    return kExitInvalid;
  }
  return kExitOk;
}

}  // namespace

void addCatCommand(CLI::App& app, const GlobalOptions& global, int* exitCode) {
  auto which = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("cat", "Write the recorded output bytes, unchanged");
  cmd->add_option("recording", *which, "File or session id")->required();
  cmd->callback([&global, which, exitCode] { *exitCode = runCat(global, *which); });
}

}  // namespace airlock::replay::cli
