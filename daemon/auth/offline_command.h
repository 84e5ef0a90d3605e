// What the offline subcommands (`airlockd check-access`, `airlockd
// issue-delegation`) share: parsing their flags and reading a token file.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "airlock/result.h"

namespace airlock::auth {

inline constexpr int kOfflineExitUsage = 64;

// Parses `args` (without the subcommand's name) with `app`. nullopt: go on;
// otherwise the exit code to return at once (0 after printing --help, 64
// after a usage error on `err`, prefixed with `name`).
std::optional<int> parseOfflineArgs(CLI::App& app, const std::string& name,
                                    const std::vector<std::string>& args, std::ostream& out,
                                    std::ostream& err);

// A token kept in a file: its contents without trailing whitespace, bounded.
Result<std::string> readTokenFile(const std::string& path);

}  // namespace airlock::auth
