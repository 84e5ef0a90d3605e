// Fuzz target: the account-file parser of airlock-enter (a target's own
// /etc/passwd and /etc/group, daemon/enter/account_files.h). The input is
// split at its first NUL into the passwd and group texts; every user name
// the passwd text mentions is looked up, plus a few fixed ones.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "enter/account_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nul = input.find('\0');
  std::string_view passwd = input.substr(0, nul);
  std::string_view group = nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
  for (const char* name : {"root", "nobody", "u", ""}) {
    if (auto a = airlock::enter::findAccount(passwd, group, name)) {
      if (a->groups.empty() || a->groups.size() > airlock::enter::kMaxGroups) __builtin_trap();
    }
  }
  size_t start = 0;
  while (start < passwd.size()) {
    size_t colon = passwd.find(':', start);
    size_t end = passwd.find('\n', start);
    if (colon != std::string_view::npos && (end == std::string_view::npos || colon < end)) {
      (void)airlock::enter::findAccount(passwd, group, passwd.substr(start, colon - start));
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return 0;
}
