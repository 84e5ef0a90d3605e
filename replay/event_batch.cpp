#include "airlock/event_batch.h"

#include <string>

namespace airlock::replay {

void EventBatch::add(EventType type, uint64_t timeUs, std::string_view bytes, bool coalesce) {
  if (!entries_.empty() && timeUs < entries_.back().timeUs) timeUs = entries_.back().timeUs;
  if (coalesce && !entries_.empty()) {
    Entry& last = entries_.back();
    // Data of the last entry ends the buffer, so merging is an append.
    if (last.type == type && timeUs - last.timeUs <= coalesceUs_) {
      data_.append(bytes);
      last.length += static_cast<uint32_t>(bytes.size());
      return;
    }
  }
  entries_.push_back(Entry{type, timeUs, static_cast<uint32_t>(data_.size()),
                           static_cast<uint32_t>(bytes.size())});
  data_.append(bytes);
}

void EventBatch::addOutput(uint64_t timeUs, std::string_view bytes) {
  if (!bytes.empty()) add(EventType::kOutput, timeUs, bytes, true);
}

void EventBatch::addInput(uint64_t timeUs, std::string_view bytes) {
  if (!bytes.empty()) add(EventType::kInput, timeUs, bytes, true);
}

void EventBatch::addRedactedInput(uint64_t timeUs) {
  add(EventType::kRedactedInput, timeUs, {}, true);
}

void EventBatch::addResize(uint64_t timeUs, uint32_t cols, uint32_t rows) {
  add(EventType::kResize, timeUs, std::to_string(cols) + "x" + std::to_string(rows), false);
}

void EventBatch::addMarker(uint64_t timeUs, std::string_view label) {
  add(EventType::kMarker, timeUs, label, false);
}

void EventBatch::addExit(uint64_t timeUs, int status) {
  add(EventType::kExit, timeUs, std::to_string(status), false);
}

bool EventBatch::due(uint64_t nowUs, const FramePolicy& policy) const {
  if (entries_.empty()) return false;
  return data_.size() >= policy.maxBytes || nowUs - firstTimeUs() >= policy.maxAgeUs;
}

void EventBatch::clear() {
  std::vector<Entry>().swap(entries_);
  std::string().swap(data_);
}

}  // namespace airlock::replay
