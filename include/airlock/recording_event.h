// Event: one decoded recording event in the asciicast vocabulary, with its
// time in microseconds since the start of the recording.
//
// A plain value type produced by `RecordingReader::readFrame`. No threading
// concerns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace airlock::replay {

// The byte values are the on-disk event codes (replay/FORMAT.md "Events").
enum class EventType : uint8_t {
  kOutput = 'o',         // Bytes the terminal showed.
  kInput = 'i',          // Bytes the user typed (input policy `full`, or echo on).
  kRedactedInput = 'I',  // The user typed while echo was off; the bytes are not stored.
  kResize = 'r',         // data = "COLSxROWS".
  kMarker = 'm',         // data = label (may be empty).
  kExit = 'x',           // data = exit status in decimal.
};

bool isKnownEventType(uint8_t code);

struct Event {
  EventType type = EventType::kOutput;
  uint64_t timeUs = 0;
  std::string data;
};

struct TerminalSize {
  uint32_t cols = 0;
  uint32_t rows = 0;
};

// Parses a resize event's "COLSxROWS"; nullopt when malformed or out of range.
std::optional<TerminalSize> parseResize(std::string_view data);

}  // namespace airlock::replay
