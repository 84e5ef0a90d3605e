// `airlock can-i`: asks the daemon whether the caller may run a session, and
// which rule decides, through the same code that decides OPEN (CAN_I ->
// DECISION). Created by `main` with the `Connection`, whose observer it is;
// loop thread only.
#pragma once

#include <uv.h>

#include <string>

#include "airlock_v1.pb.h"
#include "client/connection.h"
#include "client/cli/one_shot_command.h"

namespace airlock::client {

struct CanIOptions {
  std::string operation = "exec-tty";  // exec | exec-stdin | exec-tty | watch
  std::string target;
  std::string user;                    // -u: run as.
  std::string delegation;              // --delegation TOKEN
};

// Exit status of `can-i`: 0 allowed, 1 denied, 2 unauthenticated, 125 daemon error.
int canIExitCode(const std::string& verdict);

class CanICommand : public OneShotCommand {
 public:
  CanICommand(uv_loop_t* loop, CanIOptions options)
      : OneShotCommand(loop), options_(std::move(options)) {}

  Result<void> start(Connection& connection);

 private:
  void onDecision(Result<v1::Decision> decision);

  CanIOptions options_;
};

}  // namespace airlock::client
