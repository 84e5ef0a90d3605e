// TextSearcher: finds a literal string in the text of a recording's output
// (control sequences removed by `TextExtractor`), including matches that span
// several events. Each hit carries the time of the event holding its first
// byte and a little context. Streaming; one instance per recording, one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text_extractor.h"

namespace airlock::replay {

struct SearchHit {
  uint64_t timeUs = 0;
  std::string context;  // The match with up to kContextBytes around it, on one line.
};

class TextSearcher {
 public:
  static constexpr size_t kMaxPatternBytes = 1024;
  static constexpr size_t kContextBytes = 30;

  // `pattern` must be non-empty and at most kMaxPatternBytes.
  TextSearcher(std::string pattern, bool ignoreCase);

  // Feeds one output event; appends hits completed by it to `hits`.
  void feed(std::string_view output, uint64_t timeUs, std::vector<SearchHit>& hits);

 private:
  bool matchesAt(const std::string& text, size_t pos) const;

  std::string pattern_;
  bool ignoreCase_;
  TextExtractor extractor_;
  std::string window_;               // Recent text: enough to finish a match and show context.
  std::vector<uint64_t> times_;      // Time of each byte in `window_`.
  size_t searchedUpTo_ = 0;          // Positions in `window_` before this were tried.
};

}  // namespace airlock::replay
