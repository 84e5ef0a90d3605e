// Utf8Assembler: turns a stream of byte chunks into valid UTF-8 chunks.
// A multi-byte character split across two events is held back and emitted
// whole with the next chunk; invalid bytes become U+FFFD. Used by the
// asciicast exporter, whose JSON strings must be valid UTF-8. One thread.
#pragma once

#include <string>
#include <string_view>

namespace airlock::replay {

class Utf8Assembler {
 public:
  // Valid UTF-8 for `bytes` plus whatever was held back before.
  std::string feed(std::string_view bytes);
  // At the end of the stream: a held-back incomplete character, as U+FFFD.
  std::string flush();

 private:
  std::string pending_;  // At most 3 bytes: the start of an incomplete character.
};

}  // namespace airlock::replay
