#include "report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

namespace airlock::bench {
namespace {

// One bar row: a label and where its number is in a scenario's JSON.
struct Row {
  std::string label;
  std::string scenario;
  std::vector<std::string> path;  // Keys from the scenario object down.
};

struct Panel {
  std::string title;
  bool log_scale = false;
  std::vector<Row> rows;
};

const Json* findScenario(const Json& run, const std::string& name) {
  if (const Json* list = run.find("scenarios")) {
    for (const auto& s : list->items()) {
      if (const Json* n = s.find("name"); n && n->string() == name) return &s;
    }
  }
  return nullptr;
}

// The value at `row` in `run`, or NaN.
double valueOf(const Json& run, const Row& row) {
  const Json* node = findScenario(run, row.scenario);
  for (const auto& key : row.path) {
    if (node == nullptr) break;
    node = node->find(key);
  }
  return node != nullptr && node->isNumber() ? node->number() : NAN;
}

// Scenario names present in any run, in first-seen order, of one kind.
std::vector<std::string> scenariosOfKind(const std::vector<Run>& runs, const std::string& kind) {
  std::vector<std::string> names;
  for (const auto& run : runs) {
    if (const Json* list = run.json.find("scenarios")) {
      for (const auto& s : list->items()) {
        const Json* k = s.find("kind");
        const Json* n = s.find("name");
        if (k && n && k->string() == kind &&
            std::find(names.begin(), names.end(), n->string()) == names.end()) {
          names.push_back(n->string());
        }
      }
    }
  }
  return names;
}

std::vector<Panel> buildPanels(const std::vector<Run>& runs) {
  std::vector<Panel> panels;
  Panel tp{"Aggregate output throughput, MB/s (higher is better)", false, {}};
  Panel cpu{"Server CPU seconds per GB of output (lower is better)", false, {}};
  for (const auto& s : scenariosOfKind(runs, "throughput")) {
    tp.rows.push_back({s, s, {"aggregate_mb_s"}});
    cpu.rows.push_back({s, s, {"server_cpu_s_per_gb"}});
  }
  Panel echo{"Keystroke echo latency, ms, log scale (lower is better)", true, {}};
  for (const auto& s : scenariosOfKind(runs, "echo")) {
    for (const char* p : {"p50_ms", "p99_ms", "p999_ms"}) {
      echo.rows.push_back({s + " " + std::string(p).substr(0, std::string(p).size() - 3), s,
                           {"latency", p}});
    }
  }
  for (const auto& s : scenariosOfKind(runs, "max")) {
    for (const char* p : {"p50_ms", "p99_ms"}) {
      echo.rows.push_back({s + " echo " + std::string(p).substr(0, 3), s, {"echo", p}});
    }
  }
  Panel setup{"Session setup, connect to prompt, ms (lower is better)", false, {}};
  for (const auto& s : scenariosOfKind(runs, "setup")) {
    setup.rows.push_back({s + " first byte p50", s, {"first_output", "p50_ms"}});
    setup.rows.push_back({s + " prompt p50", s, {"prompt", "p50_ms"}});
    setup.rows.push_back({s + " prompt p99", s, {"prompt", "p99_ms"}});
  }
  Panel mem{"Server memory per idle session, KiB (lower is better)", false, {}};
  for (const auto& s : scenariosOfKind(runs, "memory")) {
    mem.rows.push_back({s + " RSS", s, {"rss_kib_per_session"}});
    mem.rows.push_back({s + " PSS", s, {"pss_kib_per_session"}});
  }
  Panel held{"Concurrent idle sessions held (higher is better)", false, {}};
  for (const auto& s : scenariosOfKind(runs, "max")) held.rows.push_back({s, s, {"held"}});
  for (auto* p : {&tp, &cpu, &echo, &setup, &mem, &held}) {
    if (!p->rows.empty()) panels.push_back(*p);
  }
  return panels;
}

std::string escapeXml(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

std::string fmt(double v) {
  char buf[32];
  if (std::isnan(v)) return "n/a";
  if (std::fabs(v) >= 100) std::snprintf(buf, sizeof buf, "%.0f", v);
  else if (std::fabs(v) >= 10) std::snprintf(buf, sizeof buf, "%.1f", v);
  else if (std::fabs(v) >= 1) std::snprintf(buf, sizeof buf, "%.2f", v);
  else std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};

}  // namespace

std::string renderSvg(const std::vector<Run>& runs) {
  constexpr int kWidth = 900, kLabelW = 260, kBarMaxW = 520, kBarH = 14, kPad = 4;
  auto panels = buildPanels(runs);
  int row_h = static_cast<int>(runs.size()) * (kBarH + 2) + kPad;
  int height = 60 + 22 * static_cast<int>(runs.size());
  for (const auto& p : panels) height += 34 + row_h * static_cast<int>(p.rows.size());

  std::string svg;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                "font-family=\"sans-serif\" font-size=\"12\">\n"
                "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                kWidth, height);
  svg += buf;
  int y = 22;
  svg += "<text x=\"10\" y=\"" + std::to_string(y) +
         "\" font-size=\"16\" font-weight=\"bold\">airlock-bench</text>\n";
  y += 10;
  for (size_t r = 0; r < runs.size(); ++r) {
    y += 20;
    std::snprintf(buf, sizeof buf, "<rect x=\"10\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/>\n",
                  y - 12, kColors[r % 6]);
    svg += buf;
    std::string legend = runs[r].label;
    if (const Json* c = runs[r].json.find("carrier"); c && c->string() != legend) {
      legend += " (" + c->string() + ")";
    }
    if (const Json* l = runs[r].json.find("load_start"); l && l->items().size() == 3) {
      legend += ", load average at start " + fmt(l->items()[0].number());
    }
    svg += "<text x=\"30\" y=\"" + std::to_string(y) + "\">" + escapeXml(legend) + "</text>\n";
  }
  y += 16;
  for (const auto& panel : panels) {
    y += 26;
    svg += "<text x=\"10\" y=\"" + std::to_string(y) + "\" font-weight=\"bold\">" +
           escapeXml(panel.title) + "</text>\n";
    y += 8;
    double max = 0, min_pos = INFINITY;
    for (const auto& row : panel.rows) {
      for (const auto& run : runs) {
        double v = valueOf(run.json, row);
        if (!std::isnan(v)) {
          max = std::max(max, v);
          if (v > 0) min_pos = std::min(min_pos, v);
        }
      }
    }
    // Log panels span from a decade below the smallest value to the largest.
    double lo = std::isfinite(min_pos) ? std::pow(10, std::floor(std::log10(min_pos)) - 1) : 1;
    auto width = [&](double v) {
      if (std::isnan(v) || v <= 0 || max <= 0) return 0.0;
      if (!panel.log_scale) return kBarMaxW * v / max;
      double span = std::log10(max / lo);
      return span <= 0 ? kBarMaxW : kBarMaxW * std::log10(v / lo) / span;
    };
    for (const auto& row : panel.rows) {
      svg += "<text x=\"10\" y=\"" + std::to_string(y + kBarH) + "\">" + escapeXml(row.label) +
             "</text>\n";
      for (size_t r = 0; r < runs.size(); ++r) {
        double v = valueOf(runs[r].json, row);
        double w = std::max(1.0, width(v));
        std::snprintf(buf, sizeof buf,
                      "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>"
                      "<text x=\"%.1f\" y=\"%d\">%s</text>\n",
                      kLabelW, y + 2, w, kBarH, kColors[r % 6], kLabelW + w + 4, y + kBarH - 1,
                      fmt(v).c_str());
        svg += buf;
        y += kBarH + 2;
      }
      y += kPad;
    }
  }
  svg += "</svg>\n";
  return svg;
}

namespace {

// Every numeric leaf of a scenario as (dotted key, value).
void numericLeaves(const Json& node, const std::string& prefix,
                   std::vector<std::pair<std::string, double>>& out) {
  if (node.isNumber()) {
    out.emplace_back(prefix, node.number());
    return;
  }
  for (const auto& [k, v] : node.members()) {
    if (k == "load_before" || k == "load_after") continue;
    numericLeaves(v, prefix.empty() ? k : prefix + "." + k, out);
  }
}

}  // namespace

std::string compareTable(const Run& a, const Run& b) {
  std::string out = "| scenario | metric | " + a.label + " | " + b.label + " | B/A |\n|---|---|---|---|---|\n";
  const Json* list = a.json.find("scenarios");
  if (list == nullptr) return out;
  for (const auto& sa : list->items()) {
    std::string name = sa.find("name") ? sa.find("name")->string() : "?";
    const Json* sb = findScenario(b.json, name);
    if (sb == nullptr) continue;
    std::vector<std::pair<std::string, double>> la, lb;
    numericLeaves(sa, "", la);
    numericLeaves(*sb, "", lb);
    for (const auto& [key, va] : la) {
      auto it = std::find_if(lb.begin(), lb.end(), [&](auto& p) { return p.first == key; });
      if (it == lb.end()) continue;
      std::string ratio = va != 0 ? fmt(it->second / va) : "n/a";
      out += "| " + name + " | " + key + " | " + fmt(va) + " | " + fmt(it->second) + " | " + ratio + " |\n";
    }
  }
  return out;
}

std::string summaryTable(const Run& run) {
  std::string out = "| scenario | headline |\n|---|---|\n";
  const Json* list = run.json.find("scenarios");
  if (list == nullptr) return out;
  for (const auto& s : list->items()) {
    std::string kind = s.find("kind") ? s.find("kind")->string() : "";
    auto num = [&](std::initializer_list<const char*> path) {
      const Json* n = &s;
      for (const char* k : path) {
        n = n ? n->find(k) : nullptr;
      }
      return n && n->isNumber() ? fmt(n->number()) : std::string("n/a");
    };
    std::string line;
    if (kind == "throughput") {
      line = num({"aggregate_mb_s"}) + " MB/s aggregate, per session median " +
             num({"per_session_mb_s_median"}) + " MB/s, server " + num({"server_cpu_s_per_gb"}) +
             " CPU-s/GB, bench " + num({"bench_cpu_s_per_gb"}) + " CPU-s/GB";
    } else if (kind == "echo") {
      line = "p50 " + num({"latency", "p50_ms"}) + " / p90 " + num({"latency", "p90_ms"}) +
             " / p99 " + num({"latency", "p99_ms"}) + " / p99.9 " + num({"latency", "p999_ms"}) +
             " / max " + num({"latency", "max_ms"}) + " ms (" + num({"latency", "count"}) + " keys)";
      if (s.find("busy_aggregate_mb_s")) line += ", busy streaming " + num({"busy_aggregate_mb_s"}) + " MB/s";
    } else if (kind == "setup") {
      line = "first byte p50 " + num({"first_output", "p50_ms"}) + " ms, prompt p50 " +
             num({"prompt", "p50_ms"}) + " / p99 " + num({"prompt", "p99_ms"}) + " ms, " +
             num({"sessions_per_s"}) + " sessions/s, server " + num({"server_cpu_ms_per_session"}) +
             " CPU-ms/session";
    } else if (kind == "memory") {
      line = "RSS " + num({"rss_kib_per_session"}) + " KiB, PSS " + num({"pss_kib_per_session"}) +
             " KiB, fds " + num({"fds_per_session"}) + " per session (" + num({"sessions_open"}) + " sessions)";
    } else if (kind == "max") {
      line = num({"held"}) + " held (" + num({"sessions_per_s"}) + " opened/s), echo p50 " +
             num({"echo", "p50_ms"}) + " / p99 " + num({"echo", "p99_ms"}) + " ms, RSS " +
             num({"rss_kib_per_session"}) + " KiB/session";
    }
    if (const Json* e = s.find("error")) line += " **error: " + e->string() + "**";
    if (const Json* e = s.find("stopped_because")) line += " (stopped: " + e->string() + ")";
    out += "| " + (s.find("name") ? s.find("name")->string() : "?") + " | " + line + " |\n";
  }
  return out;
}

}  // namespace airlock::bench
