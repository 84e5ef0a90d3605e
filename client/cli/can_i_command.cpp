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
  if (!decision) {
    std::fprintf(stderr, "airlock: %s\n", decision.error().message.c_str());
    answered(kExitDaemonError);
    return;
  }
  // The same one-line form as `airlockd check-access`.
  std::printf("%s: %s\n", decision->verdict().c_str(), decision->rule().c_str());
  std::fflush(stdout);
  answered(canIExitCode(decision->verdict()));
}

}  // namespace airlock::client
