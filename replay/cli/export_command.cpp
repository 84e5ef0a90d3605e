// airlock-replay export: asciicast v2, asciicast v3 or plain text.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>

#include "airlock/recording_reader.h"
#include "commands.h"
#include "exporter.h"
#include "recording_dir.h"

namespace airlock::replay::cli {

namespace {

struct ExportArgs {
  std::string which;
  std::string format = "asciicast-v2";
  std::string output;
};

int runExport(const GlobalOptions& global, const ExportArgs& a) {
  auto format = parseExportFormat(a.format);
  if (!format) {
    std::cerr << "airlock-replay export: " << format.error().message << "\n";
    return kExitUsage;
  }
  auto path = resolveRecording(global.dir, a.which);
  auto reader = path ? RecordingReader::openFile(*path) : Result<RecordingReader>(path.error());
  if (!reader) {
    std::cerr << "airlock-replay export: " << reader.error().message << "\n";
    return kExitInvalid;
  }
  std::ofstream file;
  if (!a.output.empty()) {
    file.open(a.output, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "airlock-replay export: cannot create " << a.output << "\n";
      return kExitUsage;
    }
  }
  auto done = exportRecording(*reader, *format, a.output.empty() ? std::cout : file);
  if (!done) {
    std::cerr << "airlock-replay export: " << done.error().message << "\n";
    return kExitInvalid;
  }
  return kExitOk;
}

}  // namespace

void addExportCommand(CLI::App& app, const GlobalOptions& global, int* exitCode) {
  auto a = std::make_shared<ExportArgs>();
  CLI::App* cmd = app.add_subcommand("export", "Convert a recording");
  cmd->add_option("recording", a->which, "File or session id")->required();
  cmd->add_option("--format", a->format, "asciicast-v2 (default), asciicast-v3 or txt");
  cmd->add_option("-o,--output", a->output, "Output file (default: stdout)");
  cmd->callback([&global, a, exitCode] { *exitCode = runExport(global, *a); });
}

}  // namespace airlock::replay::cli
