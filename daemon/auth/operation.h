// Operation: what a caller asks to do with a target. `exec` runs a command
// without stdin, `exec-stdin` also feeds it input, `exec-tty` gives it a PTY
// (always interactive), `watch` attaches to the output of a running session.
// Pure; any thread.
#pragma once

#include <optional>
#include <string_view>

namespace airlock::auth {

enum class Operation { kExec, kExecStdin, kExecTty, kWatch };

std::string_view operationName(Operation op);
std::optional<Operation> parseOperation(std::string_view name);

}  // namespace airlock::auth
