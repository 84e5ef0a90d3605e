// airlock-replay: list, inspect, play, search, verify and export airlock
// session recordings. Wiring only; each subcommand lives in its own file.
#include <CLI/CLI.hpp>

#include "commands.h"

int main(int argc, char** argv) {
  using namespace airlock::replay::cli;
  CLI::App app{"airlock-replay: audit airlock session recordings"};
  app.require_subcommand(1);
  GlobalOptions global;
  app.add_option("--dir", global.dir, "Recordings directory (airlockd --recordings)");
  int exitCode = kExitOk;
  addLsCommand(app, global, &exitCode);
  addInfoCommand(app, global, &exitCode);
  addCatCommand(app, global, &exitCode);
  addPlayCommand(app, global, &exitCode);
  addSearchCommand(app, global, &exitCode);
  addVerifyCommand(app, global, &exitCode);
  addExportCommand(app, global, &exitCode);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  return exitCode;
}
