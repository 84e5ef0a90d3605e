// IamPermissionSource: permissions from the DC/OS IAM HTTP API:
//   GET <iam_url>/acs/api/v1/users/<uid>/permissions  ({"direct": [...], "groups": [...]})
//   GET <iam_url>/acs/api/v1/users/<uid>/groups       ({"array": [{"group": {"gid"}}]})
// with the daemon's own service token (`Authorization: token=...`). Answers
// are cached per uid for at most `cache_s` (<= 5 s, like the DC/OS
// authorizer), so a revocation is seen within that time. Any failure (network,
// status other than 200, a body that does not parse) fails closed. Fetches run
// in libuv's thread pool; concurrent lookups of one uid share one fetch.
// Owned by the Daemon; loop thread only.
#pragma once

#include <uv.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "auth/permission_source.h"

namespace airlock::auth {

inline constexpr uint32_t kMaxIamCacheSeconds = 5;
inline constexpr size_t kMaxIamCacheEntries = 4096;

struct IamConfig {
  std::string url;         // e.g. "http://master.mesos"
  std::string token_file;  // The daemon's service account token.
  uint32_t cache_s = kMaxIamCacheSeconds;
  uint32_t timeout_ms = 3000;
  std::string ca_file;
};

// Parses the two IAM answers into a Subject (also used by the tests).
Result<Subject> subjectFromIam(const std::string& uid, const std::string& permissions_json,
                               const std::string& groups_json);

class IamPermissionSource final : public PermissionSource {
 public:
  static Result<std::unique_ptr<IamPermissionSource>> create(uv_loop_t* loop, IamConfig config);

  // PermissionSource
  void lookup(const std::string& uid, Done done) override;
  Result<Subject> lookupBlocking(const std::string& uid) override;
  Result<void> reload() override;

 private:
  struct Cached {
    Subject subject;
    uint64_t fetched_ms;
  };
  struct Shared;
  IamPermissionSource(uv_loop_t* loop, IamConfig config, std::string token);

  uv_loop_t* loop_;
  IamConfig config_;
  std::shared_ptr<Shared> shared_;
};

}  // namespace airlock::auth
