// Human-readable views of result files: an SVG chart and a comparison table.
#pragma once

#include <string>
#include <vector>

#include "json.h"

namespace airlock::bench {

// One result file as loaded for a report; `label` names it in legends.
struct Run {
  std::string label;
  Json json;
};

// Bar panels (throughput, CPU/GB, echo latency, setup, memory, sessions held),
// one coloured bar per run for every row; values are printed beside the bars.
std::string renderSvg(const std::vector<Run>& runs);
// A markdown table of every numeric metric both runs have, with B/A.
std::string compareTable(const Run& a, const Run& b);
// A short markdown summary of one run (the headline numbers).
std::string summaryTable(const Run& run);

}  // namespace airlock::bench
