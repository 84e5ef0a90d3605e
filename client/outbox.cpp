#include "client/outbox.h"

#include <algorithm>

namespace airlock::client {

size_t Outbox::dataSpace() const {
  size_t used = queued_bytes_ + proto::kHeaderBytes;
  return used >= max_bytes_ ? 0 : max_bytes_ - used;
}

bool Outbox::push(Lane lane, proto::FrameType type, uint32_t channel,
                  std::span<const uint8_t> payload) {
  std::string buffer(headroom_ + proto::kHeaderBytes + payload.size(), '\0');
  proto::writeHeader(reinterpret_cast<uint8_t*>(buffer.data() + headroom_), type, channel);
  std::copy(payload.begin(), payload.end(), buffer.begin() + headroom_ + proto::kHeaderBytes);
  return pushBuffer(lane, std::move(buffer));
}

bool Outbox::push(Lane lane, proto::FrameType type, uint32_t channel,
                  const google::protobuf::MessageLite& msg) {
  std::string buffer(headroom_ + proto::kHeaderBytes, '\0');
  proto::writeHeader(reinterpret_cast<uint8_t*>(buffer.data() + headroom_), type, channel);
  msg.AppendToString(&buffer);
  return pushBuffer(lane, std::move(buffer));
}

bool Outbox::pushRaw(std::span<const uint8_t> frame) {
  std::string buffer(headroom_, '\0');
  buffer.append(reinterpret_cast<const char*>(frame.data()), frame.size());
  return pushBuffer(Lane::kOrdered, std::move(buffer));
}

bool Outbox::pushBuffer(Lane lane, std::string buffer) {
  size_t bytes = buffer.size() - headroom_;
  if (full()) return false;
  // Control frames are small; only the ordered lane's data is bounded by bytes.
  if (lane == Lane::kOrdered && bytes > proto::kHeaderBytes &&
      queued_bytes_ + bytes > max_bytes_) {
    return false;
  }
  queued_bytes_ += bytes;
  (lane == Lane::kUrgent ? urgent_ : ordered_).push_back(std::move(buffer));
  return true;
}

std::string& Outbox::front() { return urgent_.empty() ? ordered_.front() : urgent_.front(); }

void Outbox::pop() {
  auto& lane = urgent_.empty() ? ordered_ : urgent_;
  queued_bytes_ -= lane.front().size() - headroom_;
  lane.pop_front();
}

}  // namespace airlock::client
