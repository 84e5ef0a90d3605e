#include "airlock/recording_event.h"

#include <charconv>

namespace airlock::replay {

namespace {
// Larger sizes than any terminal; rejects nonsense from a damaged file.
constexpr uint32_t kMaxTerminalDimension = 65535;
}  // namespace

bool isKnownEventType(uint8_t code) {
  switch (code) {
    case 'o': case 'i': case 'I': case 'r': case 'm': case 'x': return true;
    default: return false;
  }
}

std::optional<TerminalSize> parseResize(std::string_view data) {
  size_t x = data.find('x');
  if (x == std::string_view::npos) return std::nullopt;
  TerminalSize size;
  auto parse = [](std::string_view s, uint32_t& v) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && end == s.data() + s.size() && !s.empty() && v > 0 &&
           v <= kMaxTerminalDimension;
  };
  if (!parse(data.substr(0, x), size.cols) || !parse(data.substr(x + 1), size.rows)) {
    return std::nullopt;
  }
  return size;
}

}  // namespace airlock::replay
