#include "client/cli/can_i_command.h"

#include <cstdio>

#include "client/cli/exit_codes.h"

namespace airlock::client {

int canIExitCode(const std::string& verdict) {
  if (verdict == "allow") return 0;
  if (verdict == "deny") return 1;
  if (verdict == "unauthenticated") return 2;
  return kExitDaemonError;
}

Result<void> CanICommand::start(Connection& connection) {
  connection_ = &connection;
  v1::CanI question;
  question.set_operation(options_.operation);
  question.set_target(options_.target);
  question.set_user(options_.user);
  question.set_delegation(options_.delegation);
  return connection.canI(std::move(question),
                         [this](Result<v1::Decision> d) { onDecision(std::move(d)); });
}

void CanICommand::onDecision(Result<v1::Decision> decision) {
  answered_ = true;
  if (!decision) {
    std::fprintf(stderr, "airlock: %s\n", decision.error().message.c_str());
    exit_code_ = kExitDaemonError;
  } else {
    // The same one-line form as `airlockd check-access`.
    std::printf("%s: %s\n", decision->verdict().c_str(), decision->rule().c_str());
    std::fflush(stdout);
    exit_code_ = canIExitCode(decision->verdict());
  }
  connection_->close();
}

void CanICommand::onDisconnected(const Result<void>& reason) {
  if (!answered_) {
    answered_ = true;
    std::fprintf(stderr, "airlock: %s\n",
                 reason ? "the daemon closed the connection" : reason.error().message.c_str());
    exit_code_ = kExitDaemonError;
  }
  uv_stop(loop_);
}

}  // namespace airlock::client
