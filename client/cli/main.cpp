// airlock: flags -> Connection + (ExecSession | ListCommand | CanICommand |
// DelegateCommand) -> loop -> exit
// code. Wiring only.
#include <unistd.h>
#include <uv.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/cli/cli_options.h"
#include "client/cli/delegate_command.h"
#include "client/cli/exec_session.h"
#include "client/cli/exit_codes.h"
#include "client/cli/list_command.h"
#include "client/cli/raw_terminal.h"
#include "client/cli/stdio_flags.h"
#include "client/cli/token_file.h"
#include "client/client_context.h"
#include "client/connection.h"

namespace {

using namespace airlock::client;

int fail(const std::string& message) {
  std::fprintf(stderr, "airlock: %s\n", message.c_str());
  return kExitDaemonError;
}

// Runs the loop until the command stopped it, then tears down in order: the
// connection, the command, the lws context, and a final drain of the loop.
template <typename Command, typename... Args>
int runCommand(uv_loop_t* loop, const CliOptions& cli, ConnectionOptions connection_options,
               std::optional<RawTerminal>& raw, Args&&... args) {
  auto context = ClientContext::create(loop);
  if (!context) return fail(context.error().message);
  int code;
  {
    Command command(loop, std::forward<Args>(args)...);
    auto connection = Connection::connect(**context, std::move(connection_options), command);
    if (!connection) return fail(connection.error().message);
    if (auto started = command.start(**connection); !started) return fail(started.error().message);
    if (cli.command == CliOptions::Command::kExec && cli.exec.tty && isatty(STDIN_FILENO)) {
      auto entered = RawTerminal::enter(STDIN_FILENO);
      if (!entered) return fail(entered.error().message);
      raw.emplace(std::move(*entered));
    }
    uv_run(loop, UV_RUN_DEFAULT);
    code = command.exitCode();
    connection->reset();
  }
  context->reset();
  return code;
}

int run(const CliOptions& cli) {
  ConnectionOptions connection_options;
  connection_options.url = cli.url;
  if (!cli.token_file.empty()) {
    auto header = readTokenFile(cli.token_file);
    if (!header) return fail(header.error().message);
    connection_options.authorization = *header;
  }
  configureLwsLogging(cli.verbose);
  StdioFlags stdio_flags;            // Destroyed last: fds 0-2 as we found them.
  std::optional<RawTerminal> raw;    // Restored before the flags.
  uv_loop_t loop;
  uv_loop_init(&loop);
  int code;
  if (cli.command == CliOptions::Command::kList) {
    code = runCommand<ListCommand>(&loop, cli, connection_options, raw);
  } else if (cli.command == CliOptions::Command::kCanI) {
    code = runCommand<CanICommand>(&loop, cli, connection_options, raw, cli.can_i);
  } else if (cli.command == CliOptions::Command::kDelegate) {
    code = runCommand<DelegateCommand>(&loop, cli, connection_options, raw, cli.delegate);
  } else {
    bool tty = cli.exec.tty;
    if (tty && !isatty(STDIN_FILENO)) {
      std::fprintf(stderr, "airlock: Unable to use a TTY - input is not a terminal\n");
      tty = false;
    }
    code = runCommand<ExecSession>(&loop, cli, connection_options, raw, cli.exec, tty);
  }
  uv_run(&loop, UV_RUN_DEFAULT);  // Let lws and our handles finish closing (R8).
  if (uv_loop_close(&loop) != 0 && cli.verbose) {
    std::fprintf(stderr, "airlock: event loop still had handles at exit\n");
  }
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // EPIPE on stdout is handled where it happens.
  std::vector<std::string> args(argv + 1, argv + argc);
  auto cli = parseCommandLine(args, std::getenv("AIRLOCK_URL"), std::getenv("AIRLOCK_TOKEN_FILE"));
  if (!cli) {
    std::fprintf(stderr, "airlock: %s\nRun 'airlock --help' for usage.\n", cli.error().message.c_str());
    return kExitUsage;
  }
  switch (cli->command) {
    case CliOptions::Command::kHelp:
      std::fputs(usageText().c_str(), stdout);
      return 0;
    case CliOptions::Command::kVersion:
      std::puts("airlock 0.1.0");
      return 0;
    case CliOptions::Command::kExec:
    case CliOptions::Command::kWatch:
    case CliOptions::Command::kList:
    case CliOptions::Command::kCanI:
    case CliOptions::Command::kDelegate:
      return run(*cli);
  }
  return kExitUsage;
}
