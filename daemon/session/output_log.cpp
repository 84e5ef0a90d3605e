#include "session/output_log.h"

#include <algorithm>
#include <cassert>

namespace airlock::session {

std::span<char> OutputLog::writableSpan() {
  size_t free = capacity_ - used();
  if (free == 0) return {};
  if (!storage_) storage_ = pool_->take();
  size_t start = static_cast<size_t>(head_ % capacity_);
  return {storage_.get() + start, std::min(free, capacity_ - start)};
}

void OutputLog::commit(size_t bytes) {
  assert(bytes <= capacity_ - used());
  head_ += bytes;
}

std::span<const char> OutputLog::readable(uint64_t offset) const {
  assert(offset >= tail_ && offset <= head_);
  if (offset == head_ || !storage_) return {};
  size_t start = static_cast<size_t>(offset % capacity_);
  size_t available = static_cast<size_t>(head_ - offset);
  return {storage_.get() + start, std::min(available, capacity_ - start)};
}

void OutputLog::trimTo(uint64_t offset) {
  assert(offset <= head_);
  if (offset <= tail_) return;
  tail_ = offset;
  if (tail_ == head_) pool_->give(std::move(storage_));
}

}  // namespace airlock::session
