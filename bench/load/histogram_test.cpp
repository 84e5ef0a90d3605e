// The histogram against an exact sort of the same samples.
#include "histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace airlock::bench {
namespace {

// The exact quantile with the histogram's definition (nearest rank).
uint64_t exactQuantile(std::vector<uint64_t> sorted, double q) {
  auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

void expectClose(const std::vector<uint64_t>& samples) {
  Histogram h;
  for (uint64_t v : samples) h.record(v);
  std::vector<uint64_t> sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  ASSERT_EQ(h.count(), sorted.size());
  EXPECT_EQ(h.max(), sorted.back());
  EXPECT_EQ(h.min(), sorted.front());
  for (double q : {0.0, 0.01, 0.5, 0.9, 0.99, 0.999, 0.9999, 1.0}) {
    uint64_t exact = exactQuantile(sorted, q);
    uint64_t got = h.quantile(q);
    // Never below the true value, and above it by less than one sub-bucket.
    EXPECT_GE(got, exact) << "q=" << q;
    EXPECT_LE(static_cast<double>(got - exact),
              static_cast<double>(exact) / Histogram::kSubCount + 1.0)
        << "q=" << q << " exact=" << exact << " got=" << got;
  }
}

TEST(HistogramTest, EmptyReportsZero) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.quantile(0.5), 0u);
  EXPECT_EQ(h.max(), 0u);
}

TEST(HistogramTest, SmallValuesAreExact) {
  std::vector<uint64_t> samples;
  for (uint64_t v = 0; v < Histogram::kSubCount; ++v) samples.push_back(v);
  Histogram h;
  for (uint64_t v : samples) h.record(v);
  EXPECT_EQ(h.quantile(0.5), 63u);
  EXPECT_EQ(h.quantile(1.0), 127u);
}

TEST(HistogramTest, BucketsCoverEveryValueInOrder) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    uint64_t v = rng() >> (rng() % 64);
    size_t b = Histogram::bucketOf(v);
    ASSERT_LT(b, Histogram::kBucketCount);
    ASSERT_GE(Histogram::bucketHigh(b), v);
    if (b > 0) {
      ASSERT_LT(Histogram::bucketHigh(b - 1), v);
    }
  }
  EXPECT_EQ(Histogram::bucketOf(UINT64_MAX), Histogram::kBucketCount - 1);
}

TEST(HistogramTest, MatchesExactSortOnLatencyLikeSamples) {
  // Log-normal around 150 us with a heavy tail, in nanoseconds.
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> body(std::log(150e3), 0.6);
  std::vector<uint64_t> samples;
  for (int i = 0; i < 50000; ++i) samples.push_back(static_cast<uint64_t>(body(rng)));
  for (int i = 0; i < 50; ++i) samples.push_back(5'000'000 + rng() % 100'000'000);
  expectClose(samples);
}

TEST(HistogramTest, MatchesExactSortOnUniformAndFewSamples) {
  std::mt19937_64 rng(1);
  std::vector<uint64_t> samples;
  for (int i = 0; i < 20000; ++i) samples.push_back(rng() % 10'000'000'000ULL);
  expectClose(samples);
  expectClose({5});
  expectClose({1'000'000, 3, 999'999'999'999});
}

TEST(HistogramTest, MergeEqualsRecordingEverything) {
  Histogram a, b, all;
  for (uint64_t v = 1; v < 100000; v += 7) {
    (v % 2 ? a : b).record(v * 13);
    all.record(v * 13);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  for (double q : {0.5, 0.99, 1.0}) EXPECT_EQ(a.quantile(q), all.quantile(q));
  EXPECT_EQ(a.min(), all.min());
  EXPECT_DOUBLE_EQ(a.mean(), all.mean());
}

}  // namespace
}  // namespace airlock::bench
