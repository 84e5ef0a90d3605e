// `airlock ls`: the live sessions as a table.
#pragma once

#include <string>

#include <uv.h>

#include "airlock_v1.pb.h"
#include "client/connection.h"
#include "client/cli/one_shot_command.h"
#include "client/connection_observer.h"

namespace airlock::client {

// Formats SESSIONS as a fixed-width table (header line included).
std::string formatSessionTable(const v1::Sessions& sessions, uint64_t now_unix_ms);

// Sends LIST, prints the answer to stdout, closes the connection and stops
// the loop. Created by `main` with the `Connection`, whose observer it is;
// loop thread only.
class ListCommand : public OneShotCommand {
 public:
  explicit ListCommand(uv_loop_t* loop) : OneShotCommand(loop) {}

  Result<void> start(Connection& connection);

 private:
  void onSessions(Result<v1::Sessions> sessions);
};

}  // namespace airlock::client
