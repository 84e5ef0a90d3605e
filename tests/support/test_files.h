// Small file and account helpers the integration tests share. Test thread only.
#pragma once

#include <filesystem>
#include <string>

namespace airlock::testing {

// The user name the tests run as (`id -un`).
std::string currentUser();
// Writes `text` to `path` (created or truncated).
void writeFile(const std::filesystem::path& path, const std::string& text);
// The whole file; "" if it cannot be read.
std::string readFile(const std::filesystem::path& path);

}  // namespace airlock::testing
