// `airlock delegate TARGET --to USER [--for DURATION]`: asks the daemon for a
// delegation token (DELEGATE -> DELEGATION). The daemon issues it only to a
// super admin and only within auth.label_rules.delegation_max_lifetime_s.
// Prints the token alone on stdout (for `$(...)`) and what it allows on
// stderr. Created by `main` with the `Connection`, whose observer it is;
// loop thread only.
#pragma once

#include <uv.h>

#include <cstdint>
#include <string>

#include "airlock/result.h"
#include "airlock_v1.pb.h"
#include "client/cli/one_shot_command.h"
#include "client/connection.h"

namespace airlock::client {

struct DelegateOptions {
  std::string target;
  std::string delegate;     // --to USER
  uint32_t lifetime_s = 0;  // --for; 0 = the daemon's default.
};

// "90", "90s", "30m", "2h", "1d", "1h30m": seconds, at most 10 years.
Result<uint32_t> parseDuration(const std::string& text);

// Exit status of `delegate`: 0 issued, 1 refused, 125 daemon error.
inline constexpr int kExitRefused = 1;

class DelegateCommand : public OneShotCommand {
 public:
  DelegateCommand(uv_loop_t* loop, DelegateOptions options)
      : OneShotCommand(loop), options_(std::move(options)) {}

  Result<void> start(Connection& connection);

 private:
  void onDelegation(Result<v1::DelegationToken> answer);

  DelegateOptions options_;
};

}  // namespace airlock::client
