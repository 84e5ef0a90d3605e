// The command line of `airlock`.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "airlock/result.h"
#include "client/cli/can_i_command.h"
#include "client/cli/delegate_command.h"

namespace airlock::client {

inline constexpr const char* kDefaultUrl = "unix:/run/airlockd/airlockd.sock";

struct ExecOptions {
  bool interactive = false;  // -i: forward stdin.
  bool tty = false;          // -t: PTY session, raw local terminal.
  std::string user;          // -u
  std::string delegation;    // --delegation TOKEN (from `airlock delegate`)
  std::vector<std::pair<std::string, std::string>> env;  // -e K=V, in order.
  std::string target;
  std::vector<std::string> argv;
  std::string watch_session;  // `airlock watch ID`: watch that session instead.
};

struct CliOptions {
  enum class Command { kHelp, kVersion, kExec, kWatch, kList, kCanI, kDelegate };
  Command command = Command::kHelp;
  std::string url = kDefaultUrl;
  std::string token_file;
  bool verbose = false;
  ExecOptions exec;
  CanIOptions can_i;
  DelegateOptions delegate;
};

// Parses `airlock [GLOBAL FLAGS] COMMAND ...`. Flags stop at the first
// positional (dcos style), so the remote command's own flags pass untouched.
// `env_url` and `env_token_file` are $AIRLOCK_URL and $AIRLOCK_TOKEN_FILE
// (nullptr if unset); flags override them.
Result<CliOptions> parseCommandLine(const std::vector<std::string>& args, const char* env_url,
                                    const char* env_token_file);

std::string usageText();

}  // namespace airlock::client
