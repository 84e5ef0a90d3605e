// airlock-replay play: replay with real timing, terminal-safe by default.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <thread>

#include "airlock/recording_reader.h"
#include "commands.h"
#include "player.h"
#include "recording_dir.h"
#include "write_all.h"

namespace airlock::replay::cli {

namespace {

struct PlayArgs {
  std::string which;
  double speed = 1.0;
  double idleLimit = 0;
  std::string from;
  bool raw = false;
};

int runPlay(const GlobalOptions& global, const PlayArgs& a) {
  auto path = resolveRecording(global.dir, a.which);
  auto reader = path ? RecordingReader::openFile(*path) : Result<RecordingReader>(path.error());
  if (!reader) {
    std::cerr << "airlock-replay play: " << reader.error().message << "\n";
    return kExitInvalid;
  }
  PlayOptions options;
  options.speed = a.speed;
  options.idleLimitUs = static_cast<uint64_t>(a.idleLimit * 1e6);
  options.safe = !a.raw;
  if (!a.from.empty()) {
    auto from = parsePlayTime(a.from);
    if (!from) {
      std::cerr << "airlock-replay play: " << from.error().message << "\n";
      return kExitUsage;
    }
    options.fromUs = *from;
  }
  Player player(
      *reader, options, [](std::string_view bytes) { return writeAll(STDOUT_FILENO, bytes); },
      [](uint64_t us) { std::this_thread::sleep_for(std::chrono::microseconds(us)); });
  auto played = player.run();
  if (!played) {
    std::cerr << "\nairlock-replay play: " << played.error().message << "\n";
    return kExitInvalid;
  }
  if (player.droppedSequences() > 0) {
    std::cerr << "\n[airlock-replay: " << player.droppedSequences()
              << " terminal query/title/clipboard sequence(s) not replayed; --raw replays them]\n";
  }
  return kExitOk;
}

}  // namespace

void addPlayCommand(CLI::App& app, const GlobalOptions& global, int* exitCode) {
  auto a = std::make_shared<PlayArgs>();
  CLI::App* cmd = app.add_subcommand("play", "Replay a recording with its timing");
  cmd->add_option("recording", a->which, "File or session id")->required();
  cmd->add_option("--speed", a->speed, "Playback speed factor (1/64 .. 1024)");
  cmd->add_option("--idle-limit", a->idleLimit, "Cap pauses at this many seconds");
  cmd->add_option("--from", a->from, "Start at this time (SS, MM:SS, HH:MM:SS)");
  cmd->add_flag("--raw", a->raw,
                "Do not filter sequences that make the terminal answer or change its "
                "title/clipboard (unsafe)");
  cmd->callback([&global, a, exitCode] { *exitCode = runPlay(global, *a); });
}

}  // namespace airlock::replay::cli
