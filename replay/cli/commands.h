// The airlock-replay subcommands. Each `addXCommand` registers one CLI11
// subcommand whose callback stores its exit code in `*exitCode`.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace airlock::replay::cli {

// Exit codes shared by all subcommands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;      // Tampered or unreadable recording.
inline constexpr int kExitUsage = 2;
inline constexpr int kExitTruncated = 3;    // verify: truncated but valid.
inline constexpr int kExitUnverified = 4;   // verify: chain fine, no key to check signatures.

struct GlobalOptions {
  std::string dir = ".";
};

void addLsCommand(CLI::App& app, const GlobalOptions& global, int* exitCode);
void addInfoCommand(CLI::App& app, const GlobalOptions& global, int* exitCode);
void addCatCommand(CLI::App& app, const GlobalOptions& global, int* exitCode);
void addPlayCommand(CLI::App& app, const GlobalOptions& global, int* exitCode);
void addSearchCommand(CLI::App& app, const GlobalOptions& global, int* exitCode);
void addVerifyCommand(CLI::App& app, const GlobalOptions& global, int* exitCode);
void addExportCommand(CLI::App& app, const GlobalOptions& global, int* exitCode);

}  // namespace airlock::replay::cli
