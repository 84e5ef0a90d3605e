// metrics::Registry: named counters, gauges and histograms, rendered in the
// Prometheus text exposition format 0.0.4 for GET /metrics.
//
// A metric is created once (at daemon start, usually) and the returned
// reference is kept and updated on the loop thread; references stay valid for
// the registry's lifetime. One family per name with one type and help text;
// label sets are fixed at creation (no user, task or session ids as labels:
// those go to the journal). Collectors run before each render to refresh
// gauges that are cheaper to compute on demand (sessions by state, /proc).
// Owned by the Daemon; loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace airlock::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(double by = 1) { value_ += by; }
  double value() const { return value_; }

 private:
  double value_ = 0;
};

class Gauge {
 public:
  void set(double value) { value_ = value; }
  void add(double by) { value_ += by; }
  double value() const { return value_; }

 private:
  double value_ = 0;
};

class Histogram {
 public:
  // `bounds`: the upper bounds of the buckets, ascending (+Inf is implied).
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);
  const std::vector<double>& bounds() const { return bounds_; }
  // Per bucket, not cumulative; the last one is +Inf.
  const std::vector<uint64_t>& counts() const { return counts_; }
  uint64_t count() const { return count_; }
  double sum() const { return sum_; }

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  double sum_ = 0;
};

// Buckets for latencies, in seconds: 100 us to 10 s.
std::vector<double> latencyBuckets();

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The same name and labels return the same metric. Names follow the
  // Prometheus conventions (snake_case, base units, counters end in _total).
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help,
                       std::vector<double> bounds, const Labels& labels = {});

  void addCollector(std::function<void()> collector);
  // Runs the collectors, then renders every family, sorted by name.
  std::string render();

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family;
  Family& family(const std::string& name, const std::string& help, Type type);

  std::map<std::string, std::unique_ptr<Family>> families_;
  std::vector<std::function<void()>> collectors_;
};

}  // namespace airlock::metrics
