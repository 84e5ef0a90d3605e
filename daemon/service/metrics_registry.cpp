#include "service/metrics_registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <variant>

namespace airlock::metrics {
namespace {

std::string escapeLabel(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string labelText(const Labels& labels, const std::string& extra = {}) {
  std::string out;
  for (const auto& [key, value] : labels) {
    out += (out.empty() ? "" : ",") + key + "=\"" + escapeLabel(value) + "\"";
  }
  if (!extra.empty()) out += (out.empty() ? "" : ",") + extra;
  return out.empty() ? "" : "{" + out + "}";
}

std::string number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  if (value == std::floor(value) && std::fabs(value) < 1e15) return fmt::format("{:.0f}", value);
  return fmt::format("{}", value);
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end())) {
    throw std::invalid_argument("histogram bounds must ascend");
  }
}

void Histogram::observe(double value) {
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  ++counts_[static_cast<size_t>(it - bounds_.begin())];
  ++count_;
  sum_ += value;
}

std::vector<double> latencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,     10};
}

struct Registry::Family {
  Type type;
  std::string help;
  // Keyed by the rendered label text, so the output order is stable.
  std::map<std::string, std::pair<Labels, std::variant<std::unique_ptr<Counter>,
                                                       std::unique_ptr<Gauge>,
                                                       std::unique_ptr<Histogram>>>>
      series;
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Family& Registry::family(const std::string& name, const std::string& help, Type type) {
  auto& slot = families_[name];
  if (!slot) slot = std::make_unique<Family>(Family{type, help, {}});
  if (slot->type != type) throw std::logic_error("metric " + name + " registered with two types");
  return *slot;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  auto& series = family(name, help, Type::kCounter).series[labelText(labels)];
  if (!std::holds_alternative<std::unique_ptr<Counter>>(series.second) ||
      !std::get<std::unique_ptr<Counter>>(series.second)) {
    series = {labels, std::make_unique<Counter>()};
  }
  return *std::get<std::unique_ptr<Counter>>(series.second);
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  auto& series = family(name, help, Type::kGauge).series[labelText(labels)];
  if (!std::holds_alternative<std::unique_ptr<Gauge>>(series.second) ||
      !std::get<std::unique_ptr<Gauge>>(series.second)) {
    series = {labels, std::make_unique<Gauge>()};
  }
  return *std::get<std::unique_ptr<Gauge>>(series.second);
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               std::vector<double> bounds, const Labels& labels) {
  auto& series = family(name, help, Type::kHistogram).series[labelText(labels)];
  if (!std::holds_alternative<std::unique_ptr<Histogram>>(series.second) ||
      !std::get<std::unique_ptr<Histogram>>(series.second)) {
    series = {labels, std::make_unique<Histogram>(std::move(bounds))};
  }
  return *std::get<std::unique_ptr<Histogram>>(series.second);
}

void Registry::addCollector(std::function<void()> collector) {
  collectors_.push_back(std::move(collector));
}

std::string Registry::render() {
  for (auto& collect : collectors_) collect();
  std::string out;
  for (const auto& [name, family] : families_) {
    static constexpr const char* kTypes[] = {"counter", "gauge", "histogram"};
    out += "# HELP " + name + " " + family->help + "\n";
    out += "# TYPE " + name + " " + kTypes[static_cast<int>(family->type)] + "\n";
    for (const auto& [text, series] : family->series) {
      const auto& [labels, metric] = series;
      if (const auto* c = std::get_if<std::unique_ptr<Counter>>(&metric)) {
        out += name + text + " " + number((*c)->value()) + "\n";
      } else if (const auto* g = std::get_if<std::unique_ptr<Gauge>>(&metric)) {
        out += name + text + " " + number((*g)->value()) + "\n";
      } else if (const auto* h = std::get_if<std::unique_ptr<Histogram>>(&metric)) {
        uint64_t cumulative = 0;
        const Histogram& hist = **h;
        for (size_t i = 0; i <= hist.bounds().size(); ++i) {
          cumulative += hist.counts()[i];
          double le = i < hist.bounds().size() ? hist.bounds()[i] : INFINITY;
          out += name + "_bucket" + labelText(labels, "le=\"" + number(le) + "\"") + " " +
                 std::to_string(cumulative) + "\n";
        }
        out += name + "_sum" + text + " " + number(hist.sum()) + "\n";
        out += name + "_count" + text + " " + std::to_string(hist.count()) + "\n";
      }
    }
  }
  return out;
}

}  // namespace airlock::metrics
