#include "record_scanner.h"

#include <algorithm>
#include <vector>

namespace airlock::replay {

namespace {

Result<record::Head> readHead(const ByteSource& source, uint64_t offset) {
  std::array<uint8_t, format::kRecordHeadBytes> raw;
  auto r = source.readAt(offset, raw);
  if (!r) return r.error();
  auto head = record::parseHead(raw);
  if (!head) return Error{"record head at offset " + std::to_string(offset) + " is damaged"};
  if (head->bodyBytes > format::maxBodyBytes(head->type)) {
    return Error{"record at offset " + std::to_string(offset) + " has type " +
                 std::to_string(head->type) + " and length " + std::to_string(head->bodyBytes) +
                 " (unknown type or over its limit)"};
  }
  return *head;
}

}  // namespace

bool RecordScanner::restIsZero() const {
  constexpr size_t kChunk = 64 * 1024;
  std::vector<uint8_t> buf;
  for (uint64_t at = offset_; at < source_.size(); at += buf.size()) {
    buf.resize(std::min<uint64_t>(kChunk, source_.size() - at));
    if (!source_.readAt(at, buf)) return false;
    for (uint8_t b : buf) {
      if (b != 0) return false;
    }
  }
  return true;
}

std::optional<RawRecord> RecordScanner::next(bool withBody, size_t prefixOnly) {
  if (stop_ != Stop::kNone) return std::nullopt;
  uint64_t left = source_.size() - offset_;
  if (left == 0) {
    stop_ = Stop::kCleanEnd;
    return std::nullopt;
  }
  if (left < format::kRecordHeadBytes) {
    stop_ = Stop::kTorn;
    why_ = "file ends inside a record head at offset " + std::to_string(offset_);
    return std::nullopt;
  }
  auto head = readHead(source_, offset_);
  if (!head) {
    // A power cut can leave the file longer than its data, padded with zeros.
    bool zeros = restIsZero();
    stop_ = zeros ? Stop::kTorn : Stop::kCorrupt;
    why_ = zeros ? "file ends in " + std::to_string(left) + " zero bytes at offset " +
                       std::to_string(offset_)
                 : head.error().message;
    return std::nullopt;
  }
  uint64_t total = format::kRecordOverhead + head->bodyBytes;
  if (total > left) {
    stop_ = Stop::kTorn;
    why_ = "file ends inside the record at offset " + std::to_string(offset_) + " (" +
           std::to_string(left) + " of " + std::to_string(total) + " bytes present)";
    return std::nullopt;
  }
  RawRecord rec;
  rec.offset = offset_;
  rec.type = head->type;
  size_t want = withBody ? head->bodyBytes : std::min<size_t>(prefixOnly, head->bodyBytes);
  rec.body.resize(want);
  uint64_t bodyAt = offset_ + format::kRecordHeadBytes + format::kLinkBytes;
  auto r = source_.readAt(offset_ + format::kRecordHeadBytes, rec.link);
  if (r) r = source_.readAt(bodyAt, {reinterpret_cast<uint8_t*>(rec.body.data()), want});
  if (r) r = source_.readAt(bodyAt + head->bodyBytes, rec.chain);
  if (!r) {
    stop_ = Stop::kCorrupt;
    why_ = r.error().message;
    return std::nullopt;
  }
  offset_ += total;
  return rec;
}

Result<RawRecord> readRecordAt(const ByteSource& source, uint64_t offset, uint8_t type) {
  if (offset > source.size()) return Error{"record offset past the end of the file"};
  RecordScanner scanner(source, offset);
  auto rec = scanner.next(true);
  if (!rec) return Error{scanner.why().empty() ? "no record at offset" : scanner.why()};
  if (rec->type != type) {
    return Error{"record at offset " + std::to_string(offset) + " has type " +
                 std::to_string(rec->type) + ", expected " + std::to_string(type)};
  }
  return *rec;
}

}  // namespace airlock::replay
