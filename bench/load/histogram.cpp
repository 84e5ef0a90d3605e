#include "histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace airlock::bench {

Histogram::Histogram() : buckets_(kBucketCount, 0) {}

size_t Histogram::bucketOf(uint64_t value) {
  if (value < kSubCount) return static_cast<size_t>(value);
  // `exp` >= 1: the value has kSubBits + exp significant bits; keep the top
  // kSubBits + 1 of them (the leading one selects the power of two).
  int exp = std::bit_width(value) - kSubBits - 1;
  uint64_t sub = (value >> exp) - kSubCount;  // 0 .. kSubCount - 1
  return static_cast<size_t>(exp) * kSubCount + kSubCount + sub;
}

uint64_t Histogram::bucketHigh(size_t index) {
  // The first two rows (exponent 0) hold one value each.
  if (index < 2 * kSubCount) return index;
  size_t exp = index / kSubCount - 1;
  uint64_t sub = index % kSubCount;
  uint64_t low = (kSubCount + sub) << exp;
  return low + ((uint64_t{1} << exp) - 1);
}

void Histogram::record(uint64_t value) {
  ++buckets_[bucketOf(value)];
  ++count_;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  sum_ += value;
}

uint64_t Histogram::quantile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::min(bucketHigh(i), max_);
  }
  return max_;
}

void Histogram::merge(const Histogram& other) {
  for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  if (other.count_ > 0) {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
}

}  // namespace airlock::bench
