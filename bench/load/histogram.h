// A log-linear histogram of non-negative integer samples (nanoseconds here).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace airlock::bench {

// Log-linear buckets like HdrHistogram: values below 2^kSubBits are exact;
// above, each power of two is split into 2^kSubBits linear sub-buckets, so a
// reported percentile is within 1/2^kSubBits (0.8 %) of the true sample.
// Fixed memory (no allocation per sample); `max` and `min` are exact. Owned by
// one scenario; single thread.
class Histogram {
 public:
  static constexpr int kSubBits = 7;
  static constexpr uint64_t kSubCount = uint64_t{1} << kSubBits;
  // Exponents 0 (exact range) .. 64 - kSubBits.
  static constexpr size_t kBucketCount = (64 - kSubBits + 1) * kSubCount;

  Histogram();

  void record(uint64_t value);
  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ == 0 ? 0 : min_; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / count_; }
  // The value at quantile `q` (0..1): the smallest sample such that at least
  // q * count samples are <= it, reported as the highest value of its bucket
  // (clamped to `max`), so it never under-states a tail.
  uint64_t quantile(double q) const;
  void merge(const Histogram& other);

  static size_t bucketOf(uint64_t value);
  // The highest value that falls into bucket `index`.
  static uint64_t bucketHigh(size_t index);

 private:
  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  unsigned __int128 sum_ = 0;
};

}  // namespace airlock::bench
