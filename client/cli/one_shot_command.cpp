#include "client/cli/one_shot_command.h"

#include <cstdio>

namespace airlock::client {

void OneShotCommand::answered(int exit_code) {
  answered_ = true;
  exit_code_ = exit_code;
  connection_->close();
}

void OneShotCommand::onDisconnected(const Result<void>& reason) {
  if (!answered_) {
    answered_ = true;
    std::fprintf(stderr, "airlock: %s\n",
                 reason ? "the daemon closed the connection" : reason.error().message.c_str());
    exit_code_ = kExitDaemonError;
  }
  uv_stop(loop_);
}

}  // namespace airlock::client
