#include "text_search.h"

#include <algorithm>
#include <cctype>

namespace airlock::replay {

namespace {

char fold(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string oneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return s;
}

}  // namespace

TextSearcher::TextSearcher(std::string pattern, bool ignoreCase)
    : pattern_(std::move(pattern)), ignoreCase_(ignoreCase) {
  if (pattern_.size() > kMaxPatternBytes) pattern_.resize(kMaxPatternBytes);
  if (ignoreCase_) std::transform(pattern_.begin(), pattern_.end(), pattern_.begin(), fold);
}

bool TextSearcher::matchesAt(const std::string& text, size_t pos) const {
  for (size_t k = 0; k < pattern_.size(); ++k) {
    char c = ignoreCase_ ? fold(text[pos + k]) : text[pos + k];
    if (c != pattern_[k]) return false;
  }
  return true;
}

void TextSearcher::feed(std::string_view output, uint64_t timeUs, std::vector<SearchHit>& hits) {
  std::string text = extractor_.feed(output);
  if (text.empty() || pattern_.empty()) return;
  window_ += text;
  times_.insert(times_.end(), text.size(), timeUs);
  size_t m = pattern_.size();
  for (size_t pos = searchedUpTo_; pos + m <= window_.size(); ++pos) {
    if (!matchesAt(window_, pos)) continue;
    size_t from = pos > kContextBytes ? pos - kContextBytes : 0;
    size_t to = std::min(window_.size(), pos + m + kContextBytes);
    hits.push_back(SearchHit{times_[pos], oneLine(window_.substr(from, to - from))});
    pos += m - 1;  // Non-overlapping hits.
    searchedUpTo_ = pos + 1;
  }
  searchedUpTo_ = std::max(searchedUpTo_, window_.size() >= m ? window_.size() - m + 1 : 0);
  // Keep what a later match may still need: its own start and context before it.
  size_t keep = m - 1 + kContextBytes;
  if (window_.size() > 4 * keep + 4096) {
    size_t cut = std::min(window_.size() - keep, searchedUpTo_ > kContextBytes
                                                     ? searchedUpTo_ - kContextBytes
                                                     : 0);
    window_.erase(0, cut);
    times_.erase(times_.begin(), times_.begin() + static_cast<std::ptrdiff_t>(cut));
    searchedUpTo_ -= cut;
  }
}

}  // namespace airlock::replay
