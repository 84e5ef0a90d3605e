// The checkpoint record body and the exact bytes its signature covers
// (FORMAT.md "Checkpoint"). Shared by the writer and the verifier.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "airlock/recording_keys.h"
#include "record_codec.h"

namespace airlock::replay::checkpoint {

struct Body {
  uint64_t frames = 0;      // Frames written before this checkpoint.
  uint64_t lastTimeUs = 0;
  bool final = false;
  record::Chain previous{};  // Chain value of the record just before this one.
  Signature signature{};
};

// The signed fields, in file order (body without the signature).
std::string signedFields(const Body& body);
// context | NUL | session id | NUL | signed fields.
std::string signedMessage(std::string_view sessionId, const Body& body);
std::string encode(const Body& body);
std::optional<Body> decode(std::string_view bytes);

}  // namespace airlock::replay::checkpoint
