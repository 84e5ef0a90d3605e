#include "event_walk.h"

namespace airlock::replay {

Result<void> forEachEvent(const RecordingReader& reader, size_t fromFrame,
                          const std::function<bool(const Event&)>& visit) {
  for (size_t i = fromFrame; i < reader.frames().size(); ++i) {
    auto events = reader.readFrame(i);
    if (!events) return events.error();
    for (const Event& e : *events) {
      if (!visit(e)) return {};
    }
  }
  return {};
}

}  // namespace airlock::replay
