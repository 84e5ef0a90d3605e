// OneShotCommand: the shape of `ls` and `can-i`: send one request, print the
// answer, close, stop the loop. It owns the exit code and the "connection
// ended before the answer" path. Loop thread only.
#pragma once

#include <uv.h>

#include "client/cli/exit_codes.h"
#include "client/connection.h"
#include "client/connection_observer.h"

namespace airlock::client {

class OneShotCommand : public ConnectionObserver {
 public:
  explicit OneShotCommand(uv_loop_t* loop) : loop_(loop) {}

  int exitCode() const { return exit_code_; }

  // ConnectionObserver
  void onDisconnected(const Result<void>& reason) override;

 protected:
  // The answer arrived (or failed): remember `exit_code`, close the connection.
  void answered(int exit_code);

  Connection* connection_ = nullptr;

 private:
  uv_loop_t* loop_;
  int exit_code_ = kExitDaemonError;
  bool answered_ = false;
};

}  // namespace airlock::client
