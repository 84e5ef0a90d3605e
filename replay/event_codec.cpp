#include "event_codec.h"

#include "format.h"

namespace airlock::replay::events {

namespace {

constexpr size_t kMaxVarintBytes = 10;

void putVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool getVarint(std::string_view in, size_t& pos, uint64_t& v) {
  v = 0;
  for (size_t i = 0; i < kMaxVarintBytes && pos < in.size(); ++i) {
    uint8_t b = static_cast<uint8_t>(in[pos++]);
    if (i == kMaxVarintBytes - 1 && b > 1) return false;  // Over 64 bits.
    v |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace

void encodeBatch(const EventBatch& batch, std::string& out) {
  uint64_t t = batch.firstTimeUs();
  for (const EventBatch::Entry& e : batch.entries()) {
    out.push_back(static_cast<char>(e.type));
    putVarint(out, e.timeUs - t);
    t = e.timeUs;
    putVarint(out, e.length);
    out.append(batch.dataOf(e));
  }
}

Result<std::vector<Event>> decodePayload(std::string_view payload, uint64_t firstTimeUs,
                                         uint32_t count) {
  if (count > format::kMaxEventsPerFrame) return Error{"too many events in frame"};
  std::vector<Event> out;
  out.reserve(count);
  size_t pos = 0;
  uint64_t t = firstTimeUs;
  while (pos < payload.size()) {
    if (out.size() == count) return Error{"frame payload has bytes after its last event"};
    uint8_t code = static_cast<uint8_t>(payload[pos++]);
    if (!isKnownEventType(code)) return Error{"unknown event code " + std::to_string(code)};
    uint64_t delta = 0, length = 0;
    if (!getVarint(payload, pos, delta) || !getVarint(payload, pos, length)) {
      return Error{"bad varint in event " + std::to_string(out.size())};
    }
    if (delta > UINT64_MAX - t) return Error{"event time overflows"};
    if (length > payload.size() - pos) return Error{"event data runs past the frame"};
    t += delta;
    out.push_back(Event{static_cast<EventType>(code), t, std::string(payload.substr(pos, length))});
    pos += length;
  }
  if (out.size() != count) {
    return Error{"frame holds " + std::to_string(out.size()) + " events, prefix says " +
                 std::to_string(count)};
  }
  return out;
}

}  // namespace airlock::replay::events
