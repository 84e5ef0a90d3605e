#include "airlock/recording_reader.h"

#include <algorithm>

#include "format.h"
#include "frame_decoder.h"
#include "metadata_codec.h"
#include "record_scanner.h"

namespace airlock::replay {

const char* tailStateName(TailState state) {
  switch (state) {
    case TailState::kSealed: return "sealed";
    case TailState::kUnsealed: return "unsealed";
    case TailState::kTorn: return "torn";
    case TailState::kCorrupt: return "corrupt";
  }
  return "?";
}

Result<RecordingReader> RecordingReader::openFile(const std::string& path) {
  auto source = openFileSource(path);
  if (!source) return source.error();
  return open(std::move(*source));
}

Result<RecordingReader> RecordingReader::open(std::unique_ptr<ByteSource> source) {
  RecordingReader reader(std::move(source));
  auto header = reader.readHeader();
  if (!header) return header.error();
  if (!reader.loadFromTrailer()) reader.scanRecords();
  return reader;
}

Result<void> RecordingReader::readHeader() {
  std::array<uint8_t, format::kFileMagic.size()> magic{};
  if (source_->size() < magic.size() || !source_->readAt(0, magic) || magic != format::kFileMagic) {
    return Error{"not an airlock recording (bad magic)"};
  }
  auto rec = readRecordAt(*source_, magic.size(), format::kHeader);
  if (!rec) return Error{"recording header unreadable: " + rec.error().message};
  auto meta = metadata::decode(rec->body);
  if (!meta) return meta.error();
  metadata_ = std::move(*meta);
  firstRecordOffset_ = magic.size() + format::kRecordOverhead + rec->body.size();
  validBytes_ = firstRecordOffset_;
  return {};
}

bool RecordingReader::loadFromTrailer() {
  uint64_t size = source_->size();
  if (size < firstRecordOffset_ + format::kTrailerRecordBytes) return false;
  auto trailer = readRecordAt(*source_, size - format::kTrailerRecordBytes, format::kTrailer);
  if (!trailer || trailer->body.size() != format::kTrailerBodyBytes ||
      !std::equal(format::kTrailerMagic.begin(), format::kTrailerMagic.end(),
                  trailer->body.begin() + 8)) {
    return false;
  }
  uint64_t dirOffset = record::getU64(reinterpret_cast<const uint8_t*>(trailer->body.data()));
  auto dir = readRecordAt(*source_, dirOffset, format::kDirectory);
  if (!dir || dir->body.size() < 4) return false;
  auto* d = reinterpret_cast<const uint8_t*>(dir->body.data());
  uint32_t count = record::getU32(d);
  if (count > format::kMaxDirectoryEntries || dir->body.size() != 4 + 8ull * count) return false;
  std::vector<FrameInfo> frames;
  for (uint32_t i = 0; i < count; ++i) {
    auto index = readRecordAt(*source_, record::getU64(d + 4 + 8ull * i), format::kIndex);
    if (!index || index->body.size() < 4) return false;
    auto* p = reinterpret_cast<const uint8_t*>(index->body.data());
    uint32_t n = record::getU32(p);
    if (n > format::kMaxIndexEntries || index->body.size() != 4 + 32ull * n) return false;
    for (uint32_t k = 0; k < n; ++k) {
      const uint8_t* e = p + 4 + 32ull * k;
      FrameInfo f{record::getU64(e), record::getU64(e + 8), record::getU64(e + 16),
                  record::getU64(e + 24)};
      if (f.seq != frames.size() || f.offset < firstRecordOffset_ || f.offset >= dirOffset ||
          f.lastTimeUs < f.firstTimeUs) {
        return false;
      }
      frames.push_back(f);
    }
  }
  frames_ = std::move(frames);
  tail_ = TailState::kSealed;
  validBytes_ = size;
  return true;
}

void RecordingReader::scanRecords() {
  RecordScanner scanner(*source_, firstRecordOffset_);
  frames_.clear();
  tail_ = TailState::kUnsealed;
  while (auto rec = scanner.next(false, format::kFramePrefixBytes)) {
    validBytes_ = scanner.offset();
    if (rec->type == format::kTrailer) {
      tail_ = TailState::kSealed;
      continue;
    }
    if (rec->type != format::kFrame || rec->body.size() < format::kFramePrefixBytes) continue;
    auto prefix = parseFramePrefix(rec->body);
    if (!prefix) continue;  // Reported by readFrame / verify.
    frames_.push_back(FrameInfo{prefix->seq, rec->offset, prefix->firstTimeUs, prefix->lastTimeUs});
  }
  if (scanner.stop() == RecordScanner::Stop::kTorn) tail_ = TailState::kTorn;
  if (scanner.stop() == RecordScanner::Stop::kCorrupt) tail_ = TailState::kCorrupt;
}

Result<std::vector<Event>> RecordingReader::readFrame(size_t index) const {
  if (index >= frames_.size()) return Error{"no frame " + std::to_string(index)};
  const FrameInfo& info = frames_[index];
  auto rec = readRecordAt(*source_, info.offset, format::kFrame);
  if (!rec) return rec.error();
  record::Chain previous;
  auto r = source_->readAt(info.offset - format::kChainBytes, previous);
  if (!r) return r.error();
  if (record::chainHash(previous, format::kFrame, record::asBytes(rec->body)) != rec->chain) {
    return Error{"frame " + std::to_string(info.seq) + " at offset " +
                 std::to_string(info.offset) + " fails its hash check (altered)"};
  }
  if (!decoder_) decoder_ = std::make_shared<FrameDecoder>();
  return decoder_->decode(rec->body);
}

size_t RecordingReader::frameAt(uint64_t timeUs) const {
  auto it = std::lower_bound(frames_.begin(), frames_.end(), timeUs,
                             [](const FrameInfo& f, uint64_t t) { return f.lastTimeUs < t; });
  return static_cast<size_t>(it - frames_.begin());
}

}  // namespace airlock::replay
