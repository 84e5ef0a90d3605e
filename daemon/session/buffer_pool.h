// BufferPool: a bounded free list of equal-sized output buffers. A session's
// OutputLog gives its buffer back whenever it drains (so idle sessions hold
// none) and takes one when output arrives; the pool turns that churn into a
// pop and a push instead of malloc/free, which with glibc meant brk and page
// faults on every drain (measured: ~26% of the daemon's CPU, bench/RESULTS.md).
// At most `max_free` buffers are kept. Owned by the Daemon; loop thread only.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace airlock::session {

class BufferPool {
 public:
  BufferPool(size_t buffer_bytes, size_t max_free) : buffer_bytes_(buffer_bytes), max_free_(max_free) {}

  size_t bufferBytes() const { return buffer_bytes_; }
  std::unique_ptr<char[]> take() {
    if (free_.empty()) return std::unique_ptr<char[]>(new char[buffer_bytes_]);
    auto buffer = std::move(free_.back());
    free_.pop_back();
    return buffer;
  }
  void give(std::unique_ptr<char[]> buffer) {
    if (buffer && free_.size() < max_free_) free_.push_back(std::move(buffer));
  }
  size_t freeCount() const { return free_.size(); }

 private:
  size_t buffer_bytes_;
  size_t max_free_;
  std::vector<std::unique_ptr<char[]>> free_;
};

}  // namespace airlock::session
