#include "time_format.h"

#include <cinttypes>
#include <cstdio>
#include <ctime>

namespace airlock::replay::cli {

std::string formatUtc(uint64_t unixUs) {
  time_t secs = static_cast<time_t>(unixUs / 1'000'000);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string formatOffset(uint64_t us) {
  uint64_t ms = us / 1000;
  uint64_t s = ms / 1000, m = s / 60, h = m / 60;
  char buf[48];
  if (h > 0) {
    std::snprintf(buf, sizeof buf, "%" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%03" PRIu64, h, m % 60,
                  s % 60, ms % 1000);
  } else {
    std::snprintf(buf, sizeof buf, "%" PRIu64 ":%02" PRIu64 ".%03" PRIu64, m, s % 60, ms % 1000);
  }
  return buf;
}

Result<uint64_t> parseUtc(std::string_view text) {
  std::string s(text);
  if (!s.empty() && s[0] == '@') {
    char* end = nullptr;
    unsigned long long v = std::strtoull(s.c_str() + 1, &end, 10);
    if (end != s.c_str() + s.size() || s.size() == 1) return Error{"bad time '" + s + "'"};
    return static_cast<uint64_t>(v) * 1'000'000;
  }
  struct tm tm {};
  int n = 0;
  int matched = std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n);
  if (matched != 3) return Error{"bad time '" + s + "' (YYYY-MM-DD[THH:MM[:SS]] or @UNIX)"};
  if (static_cast<size_t>(n) < s.size()) {
    int m = 0;
    if (std::sscanf(s.c_str() + n, "T%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &m) != 2) {
      return Error{"bad time '" + s + "'"};
    }
    n += m;
    if (s[n] == ':') {
      if (std::sscanf(s.c_str() + n, ":%2d%n", &tm.tm_sec, &m) != 1) return Error{"bad time"};
      n += m;
    }
    if (s[n] == 'Z') ++n;
    if (static_cast<size_t>(n) != s.size()) return Error{"bad time '" + s + "'"};
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  time_t t = timegm(&tm);
  if (t < 0) return Error{"time before 1970: '" + s + "'"};
  return static_cast<uint64_t>(t) * 1'000'000;
}

}  // namespace airlock::replay::cli
