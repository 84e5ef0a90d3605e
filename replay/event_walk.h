// forEachEvent: visits a recording's events in order, frame by frame, from
// frame `fromFrame`. Stops early when `visit` returns false; fails when a
// frame cannot be decoded (the error names the frame).
#pragma once

#include <functional>

#include "airlock/recording_reader.h"

namespace airlock::replay {

Result<void> forEachEvent(const RecordingReader& reader, size_t fromFrame,
                          const std::function<bool(const Event&)>& visit);

}  // namespace airlock::replay
