#include "net/uid_map.h"

#include <fstream>
#include <sstream>

namespace airlock::net {

UidMap UidMap::ofThisProcess() {
  std::ifstream in("/proc/self/uid_map");
  if (!in) return UidMap{};
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str());
}

UidMap UidMap::parse(const std::string& text) {
  UidMap map;
  map.everything_ = false;
  std::istringstream lines(text);
  uint64_t inside = 0, outside = 0, count = 0;
  while (lines >> inside >> outside >> count) map.ranges_.emplace_back(inside, inside + count);
  return map;
}

bool UidMap::contains(uid_t uid) const {
  if (everything_) return true;
  for (const auto& [first, end] : ranges_) {
    if (uid >= first && uid < end) return true;
  }
  return false;
}

}  // namespace airlock::net
