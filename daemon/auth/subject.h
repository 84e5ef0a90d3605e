// Subject: everything a permission source knows about one uid: its groups and
// every grant it holds, directly or through a group. The input of a decision.
// A plain value; any thread.
#pragma once

#include <string>
#include <vector>

#include "auth/permission.h"

namespace airlock::auth {

struct Subject {
  std::string uid;
  std::vector<std::string> groups;
  std::vector<Grant> grants;
};

}  // namespace airlock::auth
