// verifyRecording: checks a recording's hash chain, sequence numbers and
// signed checkpoints, and says exactly what is wrong.
//
// A pure function over a `ByteSource`; safe to call from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "airlock/recording_keys.h"
#include "airlock/recording_reader.h"

namespace airlock::replay {

enum class VerifyStatus {
  kValid,           // Sealed, every record chained, every checkpoint signed by the key.
  kTruncatedValid,  // No seal (crash or cut), but everything present is intact.
  kInvalid,         // Altered, reordered, missing or wrongly signed data.
};

const char* verifyStatusName(VerifyStatus status);

struct VerifyReport {
  VerifyStatus status = VerifyStatus::kInvalid;
  std::vector<std::string> problems;  // Why it is invalid, first problem first.
  std::vector<std::string> notes;     // Facts worth knowing (truncation, unsigned tail).
  uint64_t frames = 0;
  uint64_t checkpoints = 0;
  uint64_t signedFrames = 0;          // Frames covered by a valid checkpoint signature.
  uint64_t validBytes = 0;
  std::string keyId;                  // From the header.
  bool signaturesChecked = false;     // A key with the header's key id was given.
};

// `key` may be null: then only the chain is checked, `signaturesChecked` is
// false and a note says so (a recording is only proven with its key).
VerifyReport verifyRecording(const ByteSource& source, const VerifyKey* key);

}  // namespace airlock::replay
