// UidMap: which uids exist in this process's user namespace
// (/proc/self/uid_map). A peer's SO_PEERCRED uid outside them is the kernel's
// overflow uid standing for any unmapped user (systemd's PrivateUsers=yes),
// so it identifies nobody. A plain value; any thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace airlock::net {

class UidMap {
 public:
  // Read once; an unreadable map is treated as the initial namespace's
  // (every uid mapped), where /proc/self/uid_map always exists anyway.
  static UidMap ofThisProcess();
  // "inside outside count" lines, as in uid_map(5).
  static UidMap parse(const std::string& text);

  bool contains(uid_t uid) const;

 private:
  std::vector<std::pair<uint64_t, uint64_t>> ranges_;  // [first, first + count) inside.
  bool everything_ = true;
};

}  // namespace airlock::net
