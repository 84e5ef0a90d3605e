#include "agent/recordio.h"

#include <charconv>

namespace airlock::agent {

std::string encodeRecord(std::string_view record) {
  std::string out;
  appendRecord(out, record);
  return out;
}

void appendRecord(std::string& out, std::string_view record) {
  out += std::to_string(record.size());
  out += '\n';
  out.append(record);
}

bool RecordIoDecoder::fail(std::string message) {
  error_ = std::move(message);
  return false;
}

bool RecordIoDecoder::feed(std::string_view bytes, const RecordFn& on_record) {
  if (failed()) return false;
  size_t pos = 0;
  while (pos < bytes.size()) {
    if (state_ == State::kHeader) {
      // Strict, like the agent: digits only, then LF. No blank lines, spaces
      // or CR (spec section 3).
      char c = bytes[pos++];
      if (c != '\n') {
        if (c < '0' || c > '9') {
          return fail("Failed to decode length '" + header_ + std::string(1, c) +
                      "': not a decimal number");
        }
        if (header_.size() == kMaxHeaderDigits) {
          return fail("Failed to decode length '" + header_ + "...': too many digits");
        }
        header_ += c;
        continue;
      }
      if (header_.empty()) return fail("Failed to decode length '': empty line");
      uint64_t length = 0;
      auto [end, ec] = std::from_chars(header_.data(), header_.data() + header_.size(), length);
      if (ec != std::errc{} || end != header_.data() + header_.size()) {
        return fail("Failed to decode length '" + header_ + "': out of range");
      }
      if (length > max_record_bytes_) {
        return fail("record of " + header_ + " bytes exceeds the limit of " +
                    std::to_string(max_record_bytes_));
      }
      header_.clear();
      want_ = static_cast<size_t>(length);
      record_.clear();
      if (want_ == 0) {
        on_record({});
        continue;
      }
      record_.reserve(want_);
      state_ = State::kData;
      continue;
    }
    size_t take = std::min(want_ - record_.size(), bytes.size() - pos);
    if (record_.empty() && take == want_) {
      // The whole record is in this chunk: no copy.
      state_ = State::kHeader;
      on_record(bytes.substr(pos, take));
      pos += take;
      continue;
    }
    record_.append(bytes.substr(pos, take));
    pos += take;
    if (record_.size() == want_) {
      state_ = State::kHeader;
      on_record(record_);
      record_.clear();
    }
  }
  return true;
}

}  // namespace airlock::agent
