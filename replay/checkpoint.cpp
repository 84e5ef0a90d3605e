#include "checkpoint.h"

#include <algorithm>

namespace airlock::replay::checkpoint {

std::string signedFields(const Body& body) {
  std::string out;
  record::putU64(out, body.frames);
  record::putU64(out, body.lastTimeUs);
  out.push_back(body.final ? 1 : 0);
  out.append(reinterpret_cast<const char*>(body.previous.data()), body.previous.size());
  return out;
}

std::string signedMessage(std::string_view sessionId, const Body& body) {
  std::string msg(format::kCheckpointContext);
  msg.push_back('\0');
  msg.append(sessionId);
  msg.push_back('\0');
  msg += signedFields(body);
  return msg;
}

std::string encode(const Body& body) {
  std::string out = signedFields(body);
  out.append(reinterpret_cast<const char*>(body.signature.data()), body.signature.size());
  return out;
}

std::optional<Body> decode(std::string_view bytes) {
  if (bytes.size() != format::kCheckpointBodyBytes) return std::nullopt;
  auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  Body b;
  b.frames = record::getU64(p);
  b.lastTimeUs = record::getU64(p + 8);
  if (p[16] > 1) return std::nullopt;
  b.final = p[16] == 1;
  std::copy_n(p + 17, b.previous.size(), b.previous.begin());
  std::copy_n(p + format::kCheckpointSignedBytes, b.signature.size(), b.signature.begin());
  return b;
}

}  // namespace airlock::replay::checkpoint
