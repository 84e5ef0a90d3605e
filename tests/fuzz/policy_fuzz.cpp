// Fuzz target: the policy-file parser (DC/OS CLI lines, quoting, comments)
// and, for what parses, the permission lookup and rid matching on it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "auth/authorizer.h"
#include "auth/label_rules.h"
#include "auth/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto policy = airlock::auth::Policy::parse(text);
  (void)airlock::auth::splitLabelList(text);
  if (!policy) return 0;
  airlock::auth::AccessRequest request;
  request.operation = airlock::auth::Operation::kExecTty;
  request.app_id = "/prod/web/api";
  request.task_user = "nobody";
  request.run_as = "root";
  airlock::auth::Authorizer authorizer({});
  for (const char* uid : {"alice", "bob", "dev", "root"}) {
    (void)authorizer.decide(policy->subjectFor(uid), request, std::nullopt);
  }
  return 0;
}
