// airlock-replay search: find text in the output of many recordings.
#include <CLI/CLI.hpp>
#include <iostream>

#include "airlock/recording_reader.h"
#include "commands.h"
#include "event_walk.h"
#include "recording_dir.h"
#include "text_search.h"
#include "time_format.h"

namespace airlock::replay::cli {

namespace {

struct SearchArgs {
  std::string pattern;
  std::vector<std::string> recordings;
  bool ignoreCase = false;
};

// Prints the hits of one recording; returns how many.
Result<size_t> searchOne(const std::string& path, const SearchArgs& a) {
  auto reader = RecordingReader::openFile(path);
  if (!reader) return reader.error();
  TextSearcher searcher(a.pattern, a.ignoreCase);
  std::vector<SearchHit> hits;
  auto walked = forEachEvent(*reader, 0, [&](const Event& e) {
    if (e.type == EventType::kOutput) searcher.feed(e.data, e.timeUs, hits);
    return true;
  });
  const RecordingMetadata& m = reader->metadata();
  for (const SearchHit& h : hits) {
    std::cout << m.sessionId << "  +" << formatOffset(h.timeUs) << "  "
              << formatUtc(m.startTimeUnixUs + h.timeUs) << "  " << m.user << "@" << m.target
              << "  " << h.context << "\n";
  }
  if (!walked) return walked.error();
  return hits.size();
}

int runSearch(const GlobalOptions& global, const SearchArgs& a) {
  if (a.pattern.empty() || a.pattern.size() > TextSearcher::kMaxPatternBytes) {
    std::cerr << "airlock-replay search: the text must be 1.."
              << TextSearcher::kMaxPatternBytes << " bytes\n";
    return kExitUsage;
  }
  std::vector<std::string> paths;
  for (const std::string& r : a.recordings) {
    auto p = resolveRecording(global.dir, r);
    if (!p) {
      std::cerr << "airlock-replay search: " << p.error().message << "\n";
      return kExitUsage;
    }
    paths.push_back(*p);
  }
  if (a.recordings.empty()) paths = listRecordings(global.dir);
  size_t total = 0;
  int status = kExitOk;
  for (const std::string& path : paths) {
    auto n = searchOne(path, a);
    if (!n) {
      std::cerr << path << ": " << n.error().message << "\n";
      status = kExitInvalid;
      continue;
    }
    total += *n;
  }
  if (status == kExitOk && total == 0) return 1;  // Like grep: nothing found.
  return status;
}

}  // namespace

void addSearchCommand(CLI::App& app, const GlobalOptions& global, int* exitCode) {
  auto a = std::make_shared<SearchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "search", "Find text in recorded output (escape sequences removed; spans events)");
  cmd->add_option("text", a->pattern, "Literal text to find")->required();
  cmd->add_option("recordings", a->recordings, "Files or session ids (default: all under --dir)");
  cmd->add_flag("-i,--ignore-case", a->ignoreCase, "ASCII case-insensitive");
  cmd->callback([&global, a, exitCode] { *exitCode = runSearch(global, *a); });
}

}  // namespace airlock::replay::cli
