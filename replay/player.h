// Player: replays a recording's output with its real timing (scaled by
// `speed`, gaps capped at `idleLimitUs`), starting at `fromUs` found through
// the frame index (earlier frames are not decoded). With `safe`, output goes
// through `TerminalSafeFilter` so the recording cannot talk to the viewer's
// terminal. Writes and sleeps through injected functions (tests use fakes);
// one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "airlock/recording_reader.h"

namespace airlock::replay {

struct PlayOptions {
  double speed = 1.0;
  uint64_t idleLimitUs = 0;  // 0: no cap.
  uint64_t fromUs = 0;
  bool safe = true;
};

class Player {
 public:
  using WriteFn = std::function<bool(std::string_view)>;  // False: stop (viewer gone).
  using SleepFn = std::function<void(uint64_t us)>;

  Player(const RecordingReader& reader, PlayOptions options, WriteFn write, SleepFn sleep)
      : reader_(reader), options_(options), write_(std::move(write)), sleep_(std::move(sleep)) {}

  Result<void> run();
  size_t droppedSequences() const { return dropped_; }

 private:
  const RecordingReader& reader_;
  PlayOptions options_;
  WriteFn write_;
  SleepFn sleep_;
  size_t dropped_ = 0;
};

// Parses "SS[.fff]", "MM:SS[.fff]" or "HH:MM:SS[.fff]" into microseconds.
Result<uint64_t> parsePlayTime(std::string_view text);

}  // namespace airlock::replay
