// Policy: grants and group memberships read from a policy file whose lines are
// the DC/OS CLI commands as the DC/OS docs print them, so operators paste them:
//
//   dcos security org users grant <uid> <rid> <action>[,<action>...] [--description "..."]
//   dcos security org groups grant <gid> <rid> <action>[,<action>...] [--description "..."]
//   dcos security org groups add_user <gid> <uid>
//   dcos security org groups create <gid> [--description "..."]   (accepted, no effect)
//
// Blank lines and lines starting with `#` are ignored. Any other line is an
// error naming its line, and the whole file is refused (fail closed).
// Immutable once parsed; shared by `std::shared_ptr<const Policy>`.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/result.h"
#include "auth/subject.h"

namespace airlock::auth {

inline constexpr size_t kMaxPolicyBytes = 4 << 20;
inline constexpr size_t kMaxPolicyLineBytes = 8192;

class Policy {
 public:
  static Result<Policy> parse(std::string_view text);
  static Result<Policy> load(const std::string& path);

  Subject subjectFor(const std::string& uid) const;
  size_t grantCount() const { return grant_count_; }

 private:
  Result<void> parseLine(std::string_view line);
  Result<void> addGrant(bool to_group, const std::vector<std::string>& words);

  std::map<std::string, std::vector<Grant>> user_grants_;
  std::map<std::string, std::vector<Grant>> group_grants_;
  std::map<std::string, std::set<std::string>> groups_of_user_;
  size_t grant_count_ = 0;
};

// Splits a CLI line into words: blanks separate, "..." and '...' quote,
// a backslash escapes the next character outside single quotes.
Result<std::vector<std::string>> splitCommandLine(std::string_view line);

}  // namespace airlock::auth
