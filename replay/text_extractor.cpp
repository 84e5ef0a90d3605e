#include "text_extractor.h"

namespace airlock::replay {

TextExtractor::TextExtractor()
    : scanner_(
          [this](std::string_view text) {
            for (char c : text) {
              auto u = static_cast<unsigned char>(c);
              if (c == '\n' || c == '\t' || (u >= 0x20 && u != 0x7f)) out_.push_back(c);
            }
          },
          [](const Sequence&) {}) {}

std::string TextExtractor::feed(std::string_view bytes) {
  out_.clear();
  scanner_.feed(bytes);
  return std::move(out_);
}

}  // namespace airlock::replay
