#include "client/message_assembler.h"

#include <string>

#include "airlock_v1.pb.h"

namespace airlock::client {

Result<bool> MessageAssembler::append(std::span<const uint8_t> fragment, bool first, bool final) {
  if (first) {
    buffer_.clear();
    in_message_ = true;
  } else if (!in_message_) {
    return Error{"WebSocket continuation without a first fragment", v1::BAD_FRAME};
  }
  if (fragment.size() > max_bytes_ - buffer_.size()) {
    size_t seen = buffer_.size() + fragment.size();
    buffer_.clear();
    in_message_ = false;
    return Error{"message of at least " + std::to_string(seen) + " bytes exceeds the limit of " +
                     std::to_string(max_bytes_),
                 v1::FRAME_TOO_LARGE};
  }
  buffer_.insert(buffer_.end(), fragment.begin(), fragment.end());
  if (final) {
    in_message_ = false;
    return true;
  }
  return false;
}

}  // namespace airlock::client
