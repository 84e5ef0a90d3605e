// FilePermissionSource: permissions from the policy file (see policy.h),
// re-read by `reload` (SIGHUP). A file that fails to parse is refused as a
// whole and the previous policy stays. Owned by the Daemon; loop thread only.
#pragma once

#include <memory>
#include <string>

#include "auth/permission_source.h"
#include "auth/policy.h"

namespace airlock::auth {

class FilePermissionSource final : public PermissionSource {
 public:
  static Result<std::unique_ptr<FilePermissionSource>> create(const std::string& path);

  // PermissionSource
  void lookup(const std::string& uid, Done done) override { done(policy_->subjectFor(uid)); }
  Result<Subject> lookupBlocking(const std::string& uid) override { return policy_->subjectFor(uid); }
  Result<void> reload() override;

 private:
  FilePermissionSource(std::string path, Policy policy)
      : path_(std::move(path)), policy_(std::make_shared<const Policy>(std::move(policy))) {}

  std::string path_;
  std::shared_ptr<const Policy> policy_;
};

}  // namespace airlock::auth
