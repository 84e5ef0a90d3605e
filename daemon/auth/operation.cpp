#include "auth/operation.h"

namespace airlock::auth {

std::string_view operationName(Operation op) {
  switch (op) {
    case Operation::kExec: return "exec";
    case Operation::kExecStdin: return "exec-stdin";
    case Operation::kExecTty: return "exec-tty";
    case Operation::kWatch: return "watch";
  }
  return "unknown";
}

std::optional<Operation> parseOperation(std::string_view name) {
  for (Operation op : {Operation::kExec, Operation::kExecStdin, Operation::kExecTty,
                       Operation::kWatch}) {
    if (operationName(op) == name) return op;
  }
  return std::nullopt;
}

}  // namespace airlock::auth
