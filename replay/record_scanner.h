// RecordScanner: walks the records of a recording in file order over a
// `ByteSource`, checking each record head's CRC and length limit. Used by the
// reader (when there is no trailer) and by the verifier. One thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "airlock/recording_reader.h"
#include "record_codec.h"

namespace airlock::replay {

struct RawRecord {
  uint64_t offset = 0;
  uint8_t type = 0;
  std::array<uint8_t, format::kLinkBytes> link{};  // Start of the previous chain value.
  std::string body;        // Only filled when asked for.
  record::Chain chain{};   // The stored chain value.
};

class RecordScanner {
 public:
  enum class Stop { kNone, kCleanEnd, kTorn, kCorrupt };

  RecordScanner(const ByteSource& source, uint64_t offset) : source_(source), offset_(offset) {}

  // The next record; nullopt at the end or on damage (see `stop()`). The body is
  // read only when `withBody`, or for frames the 32-byte prefix when `prefixOnly`.
  std::optional<RawRecord> next(bool withBody, size_t prefixOnly = 0);

  Stop stop() const { return stop_; }
  const std::string& why() const { return why_; }
  uint64_t offset() const { return offset_; }

 private:
  bool restIsZero() const;

  const ByteSource& source_;
  uint64_t offset_;
  Stop stop_ = Stop::kNone;
  std::string why_;
};

// Reads the record at `offset` fully; error if it is not of `type` or damaged.
Result<RawRecord> readRecordAt(const ByteSource& source, uint64_t offset, uint8_t type);

}  // namespace airlock::replay
