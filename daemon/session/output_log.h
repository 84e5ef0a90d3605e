// OutputLog: a session's bounded output buffer for one stream, with absolute
// byte offsets. The process reads straight into `writableSpan()`; consumers
// read at their own cursor; the log is trimmed to the slowest cursor (style
// R16). A full log means the process is not read (flow control). The storage
// goes back to the BufferPool whenever the log is empty, so idle sessions
// hold no buffer.
// Owned by a Session; loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "session/buffer_pool.h"

namespace airlock::session {

class OutputLog {
 public:
  // Buffers come from `pool` (its buffer size is the capacity) and go back
  // to it when the log drains.
  explicit OutputLog(BufferPool& pool) : pool_(&pool), capacity_(pool.bufferBytes()) {}
  ~OutputLog() { pool_->give(std::move(storage_)); }
  OutputLog(OutputLog&&) = default;

  // Contiguous free space at the head; empty when the log is full.
  std::span<char> writableSpan();
  void commit(size_t bytes);

  // Contiguous bytes from `offset` (tail <= offset <= head) up to the head or
  // the end of the ring, whichever comes first.
  std::span<const char> readable(uint64_t offset) const;
  void trimTo(uint64_t offset);

  uint64_t head() const { return head_; }
  uint64_t tail() const { return tail_; }
  size_t used() const { return static_cast<size_t>(head_ - tail_); }
  size_t capacity() const { return capacity_; }
  bool holdsStorage() const { return storage_ != nullptr; }

 private:
  BufferPool* pool_;
  size_t capacity_;
  std::unique_ptr<char[]> storage_;
  uint64_t head_ = 0;
  uint64_t tail_ = 0;
};

}  // namespace airlock::session
