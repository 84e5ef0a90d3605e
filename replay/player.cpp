#include "player.h"

#include <algorithm>
#include <charconv>

#include "event_walk.h"
#include "terminal_safe_filter.h"

namespace airlock::replay {

namespace {
constexpr std::string_view kClearScreen = "\x1b[H\x1b[2J";
constexpr double kMinSpeed = 1.0 / 64;
constexpr double kMaxSpeed = 1024;
}  // namespace

Result<void> Player::run() {
  double speed = std::clamp(options_.speed, kMinSpeed, kMaxSpeed);
  TerminalSafeFilter filter;
  size_t first = reader_.frameAt(options_.fromUs);
  if (options_.fromUs > 0 && !write_(kClearScreen)) return {};
  uint64_t previousUs = options_.fromUs;
  auto walked = forEachEvent(reader_, first, [&](const Event& e) {
    if (e.type != EventType::kOutput) return true;
    if (e.timeUs > previousUs) {
      // Output of the jumped-to frame before `fromUs` is shown at once.
      uint64_t gap = e.timeUs - previousUs;
      if (options_.idleLimitUs > 0) gap = std::min(gap, options_.idleLimitUs);
      sleep_(static_cast<uint64_t>(static_cast<double>(gap) / speed));
      previousUs = e.timeUs;
    }
    std::string_view bytes = e.data;
    std::string safe;
    if (options_.safe) {
      safe = filter.filter(bytes);
      bytes = safe;
    }
    return bytes.empty() || write_(bytes);
  });
  dropped_ = filter.dropped();
  return walked;
}

Result<uint64_t> parsePlayTime(std::string_view text) {
  uint64_t total = 0;
  std::string_view rest = text;
  for (int part = 0; part < 3; ++part) {
    size_t colon = rest.find(':');
    std::string_view field = rest.substr(0, colon);
    if (colon == std::string_view::npos) {
      double secs = 0;
      auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), secs);
      if (ec != std::errc() || end != field.data() + field.size() || secs < 0 || field.empty()) {
        break;
      }
      return total * 60'000'000 + static_cast<uint64_t>(secs * 1e6 + 0.5);
    }
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
    if (ec != std::errc() || end != field.data() + field.size()) break;
    total = total * 60 + v;
    rest = rest.substr(colon + 1);
  }
  return Error{"bad time '" + std::string(text) + "' (SS, MM:SS or HH:MM:SS, fractions allowed)"};
}

}  // namespace airlock::replay
