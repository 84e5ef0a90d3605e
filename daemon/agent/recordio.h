// RecordIO (Mesos docs/recordio.md): each record is its decimal byte length,
// `\n`, then the bytes. `RecordIoDecoder` is sans-I/O (style R5): feed it
// chunks as they come (records may span chunks, a chunk may hold many), and
// it hands back whole records or a latched error. Every record length is
// checked against a limit before anything is buffered (R14). Used by the
// agent client and by the agent emulator; any thread, no shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace airlock::agent {

// "<length>\n<record>".
std::string encodeRecord(std::string_view record);
void appendRecord(std::string& out, std::string_view record);

class RecordIoDecoder {
 public:
  // The agent emits at most 64 KiB of data per record (base64 in JSON makes
  // that ~88 KiB); mesos-go caps frames at 4 MiB. We take the latter.
  static constexpr size_t kDefaultMaxRecordBytes = 4u << 20;
  // A uint64 has at most 20 decimal digits.
  static constexpr size_t kMaxHeaderDigits = 20;

  using RecordFn = std::function<void(std::string_view record)>;

  explicit RecordIoDecoder(size_t max_record_bytes = kDefaultMaxRecordBytes)
      : max_record_bytes_(max_record_bytes) {}

  // Decodes `bytes`, calling `on_record` for each complete record, in order.
  // Returns false once the stream is broken (then and ever after: `error()`).
  bool feed(std::string_view bytes, const RecordFn& on_record);

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  // True when the stream ended on a record boundary (a truncated final
  // record is lost, as it is for Mesos; the caller decides what that means).
  bool atBoundary() const { return state_ == State::kHeader && header_.empty(); }

 private:
  enum class State { kHeader, kData };
  bool fail(std::string message);

  size_t max_record_bytes_;
  State state_ = State::kHeader;
  std::string header_;
  std::string record_;
  size_t want_ = 0;
  std::string error_;
};

}  // namespace airlock::agent
