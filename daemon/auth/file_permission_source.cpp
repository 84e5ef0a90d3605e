#include "auth/file_permission_source.h"

namespace airlock::auth {

Result<std::unique_ptr<FilePermissionSource>> FilePermissionSource::create(const std::string& path) {
  auto policy = Policy::load(path);
  if (!policy) return policy.error();
  return std::unique_ptr<FilePermissionSource>(new FilePermissionSource(path, std::move(*policy)));
}

Result<void> FilePermissionSource::reload() {
  auto policy = Policy::load(path_);
  if (!policy) return policy.error();
  policy_ = std::make_shared<const Policy>(std::move(*policy));
  return {};
}

}  // namespace airlock::auth
