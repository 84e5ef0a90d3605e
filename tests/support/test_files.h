// Small file and account helpers the integration tests share. Test thread only.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace airlock::testing {

// The user name the tests run as (`id -un`).
std::string currentUser();
// Writes `text` to `path` (created or truncated).
void writeFile(const std::filesystem::path& path, const std::string& text);
// The whole file; "" if it cannot be read.
std::string readFile(const std::filesystem::path& path);
// A fresh directory for the running test: TMP/PREFIX-PID-TESTNAME (created).
std::filesystem::path testDir(const std::string& prefix);
// A fresh 0755 directory under /tmp holding a 0755 copy of each of
// `executables` (by file name): what an unprivileged user started by a root
// test may reach and run, when the build tree is closed to it.
std::filesystem::path openDirWithCopies(const std::string& prefix,
                                        const std::vector<std::filesystem::path>& executables);
// The local-backend targets the auth tests decide on, as TOML: `web-1`
// (app id /prod/web) and `web2-1` (/prod/web2, a sibling that a grant on
// /prod/web must not cover), both running as the current user.
std::string webTargetsToml();

}  // namespace airlock::testing
