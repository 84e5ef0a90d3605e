// metrics::Registry: the Prometheus text format it renders.
#include "service/metrics_registry.h"

#include <gtest/gtest.h>

namespace airlock::metrics {
namespace {

TEST(MetricsRegistryTest, RendersCountersGaugesAndLabelsSortedByName) {
  Registry registry;
  registry.counter("b_total", "Bees", {{"kind", "x"}}).inc(3);
  registry.counter("b_total", "Bees", {{"kind", "y"}}).inc();
  registry.gauge("a_bytes", "Size").set(1.5);
  EXPECT_EQ(registry.render(),
            "# HELP a_bytes Size\n# TYPE a_bytes gauge\na_bytes 1.5\n"
            "# HELP b_total Bees\n# TYPE b_total counter\n"
            "b_total{kind=\"x\"} 3\nb_total{kind=\"y\"} 1\n");
}

TEST(MetricsRegistryTest, SameNameAndLabelsIsTheSameMetric) {
  Registry registry;
  Counter& a = registry.counter("c_total", "C");
  Counter& b = registry.counter("c_total", "C");
  EXPECT_EQ(&a, &b);
  EXPECT_THROW(registry.gauge("c_total", "C"), std::logic_error);
}

TEST(MetricsRegistryTest, HistogramBucketsAreCumulativeWithInfEqualToCount) {
  Registry registry;
  Histogram& h = registry.histogram("lat_seconds", "L", {0.125, 1}, {{"op", "x"}});
  h.observe(0.0625);
  h.observe(0.125);  // Bounds are inclusive (le).
  h.observe(0.5);
  h.observe(7);
  EXPECT_EQ(registry.render(),
            "# HELP lat_seconds L\n# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{op=\"x\",le=\"0.125\"} 2\n"
            "lat_seconds_bucket{op=\"x\",le=\"1\"} 3\n"
            "lat_seconds_bucket{op=\"x\",le=\"+Inf\"} 4\n"
            "lat_seconds_sum{op=\"x\"} 7.6875\n"
            "lat_seconds_count{op=\"x\"} 4\n");
}

TEST(MetricsRegistryTest, CollectorsRunBeforeEachRenderAndLabelValuesAreEscaped) {
  Registry registry;
  Gauge& g = registry.gauge("g", "G", {{"v", "a\"b\\c\nd"}});
  int runs = 0;
  registry.addCollector([&] { g.set(++runs); });
  EXPECT_NE(registry.render().find("g{v=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos);
  EXPECT_NE(registry.render().find("} 2\n"), std::string::npos);
}

}  // namespace
}  // namespace airlock::metrics
