// Account files: a user's uid, gid, groups, home and shell read from a
// target's own /etc/passwd and /etc/group text, the way a container runtime
// does it, never through NSS (a target's nsswitch.conf and libnss_*.so must
// not run in a root process). The text is the target's, so hostile: every
// line is checked and anything malformed is skipped. Pure functions; any
// thread.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace airlock::enter {

struct Account {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;
  std::string shell;
  std::vector<gid_t> groups;  // The primary gid first, then every group listing the user.
};

// The first passwd line for `name`, with its groups from `group_text`.
std::optional<Account> findAccount(std::string_view passwd_text, std::string_view group_text,
                                   std::string_view name);

// At most this many supplementary groups are taken (NGROUPS_MAX is 65536; a
// hostile group file must not make us allocate without bound).
inline constexpr size_t kMaxGroups = 1024;

}  // namespace airlock::enter
