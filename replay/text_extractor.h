// TextExtractor: the readable text of terminal output, for search and the txt
// export. Removes every control sequence (split sequences included), turns
// CR LF into LF, and drops other control characters except LF and TAB. It
// does not emulate a screen: overwritten text stays. Streaming; one thread.
#pragma once

#include <string>
#include <string_view>

#include "escape_scanner.h"

namespace airlock::replay {

class TextExtractor {
 public:
  TextExtractor();
  // The scanner's callbacks point at this object: it never moves.
  TextExtractor(const TextExtractor&) = delete;
  TextExtractor& operator=(const TextExtractor&) = delete;
  // Returns the text contributed by `bytes`.
  std::string feed(std::string_view bytes);

 private:
  EscapeScanner scanner_;
  std::string out_;
};

}  // namespace airlock::replay
