// `airlockd check-access`: the offline explain command. Answers "may this
// token do this operation on this task?" with the daemon's own code
// (AuthService) and config, printing one line, `allow: <rule>`,
// `deny: <reason>` or `unauthenticated: <reason>`, and returning 0, 1 or 2;
// 64 for a usage error, 78 for a bad config. Blocking; main thread.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace airlock::auth {

// `args` are the words after `check-access`.
int runCheckAccess(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace airlock::auth
