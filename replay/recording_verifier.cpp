#include "airlock/recording_verifier.h"

#include <algorithm>
#include <map>
#include <optional>

#include "checkpoint.h"
#include "format.h"
#include "frame_decoder.h"
#include "metadata_codec.h"
#include "record_scanner.h"

namespace airlock::replay {

const char* verifyStatusName(VerifyStatus status) {
  switch (status) {
    case VerifyStatus::kValid: return "valid";
    case VerifyStatus::kTruncatedValid: return "truncated-but-valid";
    case VerifyStatus::kInvalid: return "INVALID";
  }
  return "?";
}

namespace {

constexpr size_t kMaxProblems = 50;

std::string at(uint64_t offset) { return "offset " + std::to_string(offset); }

const char* typeName(uint8_t type) {
  switch (type) {
    case format::kHeader: return "header";
    case format::kFrame: return "frame";
    case format::kIndex: return "index";
    case format::kCheckpoint: return "checkpoint";
    case format::kDirectory: return "directory";
    case format::kTrailer: return "trailer";
    default: return "unknown";
  }
}

// One verification pass over a recording, in file order.
class ChainVerifier {
 public:
  ChainVerifier(const ByteSource& source, const VerifyKey* key) : source_(source), key_(key) {}
  VerifyReport run();

 private:
  bool checkHeader();
  bool checkLink(const RawRecord& rec, std::optional<uint64_t> frameSeq);
  void onFrame(const RawRecord& rec, bool linked);
  void onIndex(const RawRecord& rec);
  void onCheckpoint(const RawRecord& rec);
  void onDirectory(const RawRecord& rec);
  void onTrailer(const RawRecord& rec);
  void checkSequence();
  void problem(std::string what);

  const ByteSource& source_;
  const VerifyKey* key_;
  VerifyReport report_;
  RecordingMetadata metadata_;
  bool keyUsable_ = false;
  record::Chain prev_{};
  uint64_t headerEnd_ = 0;
  std::vector<std::pair<uint64_t, uint64_t>> frames_;  // (seq, offset) in file order.
  std::map<uint64_t, uint64_t> frameOffsetBySeq_;
  uint64_t lastTimeUs_ = 0;
  std::vector<uint64_t> indexOffsets_;
  uint64_t directoryOffset_ = UINT64_MAX;
  bool finalCheckpoint_ = false;
  bool trailer_ = false;
  bool recordsAfterSeal_ = false;
  FrameDecoder decoder_;
};

void ChainVerifier::problem(std::string what) {
  // A badly damaged file could yield one problem per record; the first ones say enough.
  if (report_.problems.size() < kMaxProblems) {
    report_.problems.push_back(std::move(what));
  } else if (report_.problems.size() == kMaxProblems) {
    report_.problems.push_back("... more problems not listed");
  }
}

bool ChainVerifier::checkHeader() {
  std::array<uint8_t, format::kFileMagic.size()> magic{};
  if (source_.size() < magic.size() || !source_.readAt(0, magic) || magic != format::kFileMagic) {
    problem("not an airlock recording: bad magic");
    return false;
  }
  auto rec = readRecordAt(source_, magic.size(), format::kHeader);
  if (!rec) {
    problem("header record unreadable: " + rec.error().message);
    return false;
  }
  record::Chain zero{};
  if (record::chainHash(zero, format::kHeader, record::asBytes(rec->body)) != rec->chain ||
      !std::all_of(rec->link.begin(), rec->link.end(), [](uint8_t b) { return b == 0; })) {
    problem("header record altered: its bytes do not match its hash");
  }
  auto meta = metadata::decode(rec->body);
  if (!meta) {
    problem("header record: " + meta.error().message);
    return false;
  }
  metadata_ = std::move(*meta);
  report_.keyId = metadata_.signingKeyId;
  prev_ = rec->chain;
  headerEnd_ = magic.size() + format::kRecordOverhead + rec->body.size();
  if (key_ == nullptr) {
    report_.notes.push_back("signatures NOT checked: no public key given");
  } else if (key_->keyId() != metadata_.signingKeyId) {
    problem("wrong key: the recording is signed with key id " + metadata_.signingKeyId +
            ", the key given has id " + key_->keyId());
  } else {
    keyUsable_ = true;
    report_.signaturesChecked = true;
  }
  return true;
}

// Checks that `rec` continues the chain. Returns whether its link matched.
bool ChainVerifier::checkLink(const RawRecord& rec, std::optional<uint64_t> frameSeq) {
  bool linkOk = std::equal(rec.link.begin(), rec.link.end(), prev_.begin());
  bool hashOk = record::chainHash(prev_, rec.type, record::asBytes(rec.body)) == rec.chain;
  std::string what = std::string(typeName(rec.type)) + " record at " + at(rec.offset) +
                     (frameSeq ? " (frame " + std::to_string(*frameSeq) + ")" : "");
  if (linkOk && !hashOk) {
    problem(what + " altered: its bytes do not match its hash");
  } else if (!linkOk && hashOk) {
    problem(what + " altered: its link field was changed");
  } else if (!linkOk && !hashOk) {
    if (rec.offset == headerEnd_) {
      problem(what + " does not chain from the header: the header was replaced by another "
                     "recording's header (or this record was altered)");
    } else if (!frameSeq) {
      problem(what + " does not follow the record before it: records were removed, inserted "
                     "or reordered");
    }
    // For frames the sequence check explains which frames moved or went missing.
  }
  return linkOk;
}

void ChainVerifier::onFrame(const RawRecord& rec, bool linked) {
  auto prefix = parseFramePrefix(rec.body);
  if (!prefix) {
    problem("frame record at " + at(rec.offset) + ": " + prefix.error().message);
    return;
  }
  if (!linked && (frames_.empty() ? 0 : frames_.back().first + 1) == prefix->seq &&
      rec.offset != headerEnd_) {
    problem("frame " + std::to_string(prefix->seq) + " at " + at(rec.offset) +
            " does not follow the record before it: records were removed, inserted or reordered");
  }
  frames_.emplace_back(prefix->seq, rec.offset);
  frameOffsetBySeq_.emplace(prefix->seq, rec.offset);
  if (prefix->firstTimeUs < lastTimeUs_) {
    problem("frame " + std::to_string(prefix->seq) + " starts before the previous frame ended");
  }
  lastTimeUs_ = std::max(lastTimeUs_, prefix->lastTimeUs);
  auto events = decoder_.decode(rec.body);
  if (!events) {
    problem("frame " + std::to_string(prefix->seq) + " at " + at(rec.offset) + ": " +
            events.error().message);
  }
}

void ChainVerifier::onIndex(const RawRecord& rec) {
  indexOffsets_.push_back(rec.offset);
  auto* p = reinterpret_cast<const uint8_t*>(rec.body.data());
  uint32_t n = rec.body.size() >= 4 ? record::getU32(p) : UINT32_MAX;
  if (n > format::kMaxIndexEntries || rec.body.size() != 4 + 32ull * n) {
    problem("index record at " + at(rec.offset) + " is malformed");
    return;
  }
  for (uint32_t k = 0; k < n; ++k) {
    uint64_t seq = record::getU64(p + 4 + 32ull * k);
    uint64_t offset = record::getU64(p + 12 + 32ull * k);
    auto it = frameOffsetBySeq_.find(seq);
    if (it == frameOffsetBySeq_.end() || it->second != offset) {
      problem("index record at " + at(rec.offset) + " lists frame " + std::to_string(seq) +
              " at " + at(offset) + ", which is not where that frame is");
    }
  }
}

void ChainVerifier::onCheckpoint(const RawRecord& rec) {
  auto cp = checkpoint::decode(rec.body);
  std::string what = "checkpoint at " + at(rec.offset);
  if (!cp) {
    problem(what + " is malformed");
    return;
  }
  ++report_.checkpoints;
  if (cp->previous != prev_) problem(what + " does not name the record before it");
  if (cp->frames != frames_.size()) {
    problem(what + " covers " + std::to_string(cp->frames) + " frames but " +
            std::to_string(frames_.size()) + " precede it: frames were removed or inserted");
  }
  if (keyUsable_) {
    auto msg = checkpoint::signedMessage(metadata_.sessionId, *cp);
    if (!key_->verify(record::asBytes(msg), cp->signature)) {
      problem(what + " (after " + std::to_string(cp->frames) +
              " frames): signature does not verify with key " + key_->keyId());
    } else if (report_.problems.empty()) {
      report_.signedFrames = cp->frames;
    }
  }
  if (cp->final) finalCheckpoint_ = true;
}

void ChainVerifier::onDirectory(const RawRecord& rec) {
  directoryOffset_ = rec.offset;
  auto* p = reinterpret_cast<const uint8_t*>(rec.body.data());
  uint32_t n = rec.body.size() >= 4 ? record::getU32(p) : UINT32_MAX;
  bool same = n <= format::kMaxDirectoryEntries && rec.body.size() == 4 + 8ull * n &&
              n == indexOffsets_.size();
  for (uint32_t k = 0; same && k < n; ++k) same = record::getU64(p + 4 + 8ull * k) == indexOffsets_[k];
  if (!same) problem("directory at " + at(rec.offset) + " does not list the index records");
}

void ChainVerifier::onTrailer(const RawRecord& rec) {
  trailer_ = true;
  bool ok = rec.body.size() == format::kTrailerBodyBytes &&
            record::getU64(reinterpret_cast<const uint8_t*>(rec.body.data())) == directoryOffset_ &&
            std::equal(format::kTrailerMagic.begin(), format::kTrailerMagic.end(),
                       rec.body.begin() + 8);
  if (!ok) problem("trailer at " + at(rec.offset) + " is malformed");
  if (!finalCheckpoint_) problem("trailer at " + at(rec.offset) + " without a final checkpoint");
}

void ChainVerifier::checkSequence() {
  std::map<uint64_t, int> seen;
  for (size_t i = 0; i < frames_.size(); ++i) {
    uint64_t seq = frames_[i].first;
    if (++seen[seq] == 2) problem("frame " + std::to_string(seq) + " appears twice (duplicated)");
    if (i > 0 && seq < frames_[i - 1].first) {
      problem("frames reordered: frame " + std::to_string(seq) + " at " + at(frames_[i].second) +
              " comes after frame " + std::to_string(frames_[i - 1].first));
    }
  }
  // Missing frames as ranges: a damaged sequence number may be huge.
  uint64_t expected = 0;
  for (const auto& [seq, count] : seen) {
    if (seq > expected) {
      problem(seq - expected == 1
                  ? "frame " + std::to_string(expected) + " is missing (dropped)"
                  : "frames " + std::to_string(expected) + " to " + std::to_string(seq - 1) +
                        " are missing (dropped)");
    }
    expected = seq + 1;
  }
}

VerifyReport ChainVerifier::run() {
  if (!checkHeader()) return report_;
  RecordScanner scanner(source_, headerEnd_);
  while (auto rec = scanner.next(true)) {
    if (trailer_ || (finalCheckpoint_ && rec->type != format::kTrailer)) recordsAfterSeal_ = true;
    std::optional<uint64_t> seq;
    if (rec->type == format::kFrame && rec->body.size() >= 8) {
      seq = record::getU64(reinterpret_cast<const uint8_t*>(rec->body.data()));
    }
    bool linked = checkLink(*rec, seq);
    switch (rec->type) {
      case format::kFrame: onFrame(*rec, linked); break;
      case format::kIndex: onIndex(*rec); break;
      case format::kCheckpoint: onCheckpoint(*rec); break;
      case format::kDirectory: onDirectory(*rec); break;
      case format::kTrailer: onTrailer(*rec); break;
      default: problem("unexpected record type at " + at(rec->offset)); break;
    }
    prev_ = rec->chain;
    report_.validBytes = scanner.offset();
  }
  if (report_.validBytes == 0) report_.validBytes = headerEnd_;
  if (recordsAfterSeal_) problem("records follow the final checkpoint (appended after sealing)");
  if (scanner.stop() == RecordScanner::Stop::kCorrupt) {
    problem("damaged record head in the middle of the file: " + scanner.why());
  }
  checkSequence();
  report_.frames = frames_.size();
  bool sealed = trailer_ && finalCheckpoint_ && scanner.stop() == RecordScanner::Stop::kCleanEnd;
  if (!report_.problems.empty()) {
    report_.status = VerifyStatus::kInvalid;
    return report_;
  }
  report_.status = sealed ? VerifyStatus::kValid : VerifyStatus::kTruncatedValid;
  if (scanner.stop() == RecordScanner::Stop::kTorn) {
    report_.notes.push_back("torn tail cut: " + scanner.why());
  } else if (!sealed) {
    report_.notes.push_back("no final seal: the writer stopped before finishing");
  }
  if (report_.signaturesChecked && report_.signedFrames < report_.frames) {
    report_.notes.push_back(std::to_string(report_.frames - report_.signedFrames) +
                            " frame(s) after the last checkpoint are chained but not signed");
  }
  return report_;
}

}  // namespace

VerifyReport verifyRecording(const ByteSource& source, const VerifyKey* key) {
  return ChainVerifier(source, key).run();
}

}  // namespace airlock::replay
