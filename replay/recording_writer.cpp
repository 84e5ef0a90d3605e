#include "airlock/recording_writer.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "append_file.h"
#include "checkpoint.h"
#include "event_codec.h"
#include "format.h"
#include "metadata_codec.h"
#include "record_codec.h"

namespace airlock::replay {

namespace {
constexpr size_t kMaxSessionIdBytes = 128;
}  // namespace

RecordingWriter::RecordingWriter(std::string path, std::shared_ptr<const RecordingSigner> signer,
                                 WriterOptions options)
    : path_(std::move(path)), signer_(std::move(signer)), options_(options) {}

Result<RecordingWriter> RecordingWriter::create(std::string path, RecordingMetadata metadata,
                                                std::shared_ptr<const RecordingSigner> signer,
                                                WriterOptions options) {
  if (!signer) return Error{"a recording needs a signing key"};
  options.checkpointEveryFrames =
      std::clamp<uint32_t>(options.checkpointEveryFrames, 1, format::kMaxCheckpointEvery);
  metadata.signingKeyId = signer->keyId();
  metadata.checkpointEveryFrames = options.checkpointEveryFrames;
  std::string header = metadata::encode(metadata);
  if (header.size() > format::kMaxHeaderBody) return Error{"recording metadata too large"};

  RecordingWriter w(std::move(path), std::move(signer), options);
  w.sessionId_ = metadata.sessionId;
  std::string out(format::kFileMagic.begin(), format::kFileMagic.end());
  w.appendRecord(out, format::kHeader, header);
  auto created = file::create(w.path_, out, options.sync != SyncPolicy::kNone);
  if (!created) return created.error();
  w.fileBytes_ = out.size();
  return w;
}

void RecordingWriter::appendRecord(std::string& out, uint8_t type, const std::string& body) {
  record::putHead(out, type, static_cast<uint32_t>(body.size()));
  out.append(reinterpret_cast<const char*>(chain_.data()), format::kLinkBytes);
  out += body;
  chain_ = record::chainHash(chain_, type, record::asBytes(body));
  out.append(reinterpret_cast<const char*>(chain_.data()), chain_.size());
}

Result<void> RecordingWriter::appendIndexAndCheckpoint(std::string& out, bool final) {
  if (!pendingIndex_.empty()) {
    indexOffsets_.push_back(fileBytes_ + out.size());
    std::string body;
    record::putU32(body, static_cast<uint32_t>(pendingIndex_.size()));
    for (const IndexEntry& e : pendingIndex_) {
      record::putU64(body, e.seq);
      record::putU64(body, e.offset);
      record::putU64(body, e.firstTimeUs);
      record::putU64(body, e.lastTimeUs);
    }
    appendRecord(out, format::kIndex, body);
    pendingIndex_.clear();
  }
  uint64_t directoryOffset = fileBytes_ + out.size();
  if (final) {
    std::string body;
    record::putU32(body, static_cast<uint32_t>(indexOffsets_.size()));
    for (uint64_t off : indexOffsets_) record::putU64(body, off);
    appendRecord(out, format::kDirectory, body);
  }
  checkpoint::Body cp{nextSeq_, lastTimeUs_, final, chain_, {}};
  auto sig = signer_->sign(record::asBytes(checkpoint::signedMessage(sessionId_, cp)));
  if (!sig) return sig.error();
  cp.signature = *sig;
  appendRecord(out, format::kCheckpoint, checkpoint::encode(cp));
  if (final) {
    std::string body;
    record::putU64(body, directoryOffset);
    body.append(format::kTrailerMagic.begin(), format::kTrailerMagic.end());
    appendRecord(out, format::kTrailer, body);
  }
  return {};
}

Result<AppendReceipt> RecordingWriter::appendFrame(const EventBatch& batch, CompressorPool& pool) {
  if (broken_) return Error{"recording " + path_ + " is broken by an earlier failure", EIO};
  if (finished_) return Error{"recording " + path_ + " is already finished", EINVAL};
  if (batch.empty()) return receipt(false);
  if (batch.firstTimeUs() < lastTimeUs_) return Error{"event times went backwards", EINVAL};
  if (batch.eventCount() > format::kMaxEventsPerFrame) return Error{"too many events", E2BIG};

  std::string payload;
  payload.reserve(batch.dataBytes() + batch.eventCount() * 4);
  events::encodeBatch(batch, payload);
  if (payload.size() > format::kMaxFrameRawBytes) return Error{"frame too large", E2BIG};

  std::string body;
  record::putU64(body, nextSeq_);
  record::putU64(body, batch.firstTimeUs());
  record::putU64(body, batch.lastTimeUs());
  record::putU32(body, static_cast<uint32_t>(batch.eventCount()));
  record::putU32(body, static_cast<uint32_t>(payload.size()));
  auto compressed = pool.compressFrame(payload, body);
  if (!compressed) return compressed.error();

  // Keep what a failed write must undo.
  auto savedChain = chain_;
  auto savedIndex = pendingIndex_;
  size_t savedOffsets = indexOffsets_.size();
  uint64_t savedTime = lastTimeUs_;

  std::string out;
  pendingIndex_.push_back({nextSeq_, fileBytes_, batch.firstTimeUs(), batch.lastTimeUs()});
  appendRecord(out, format::kFrame, body);
  ++nextSeq_;
  lastTimeUs_ = batch.lastTimeUs();
  bool checkpoint = nextSeq_ % options_.checkpointEveryFrames == 0;
  Result<void> cp = checkpoint ? appendIndexAndCheckpoint(out, false) : Result<void>();
  bool sync = options_.sync == SyncPolicy::kEveryFrame ||
              (checkpoint && options_.sync == SyncPolicy::kCheckpoints);
  Result<void> written = cp ? commit(out, sync) : cp;
  if (!written) {
    chain_ = savedChain;
    pendingIndex_ = std::move(savedIndex);
    indexOffsets_.resize(savedOffsets);
    lastTimeUs_ = savedTime;
    --nextSeq_;
    return written.error();
  }
  return receipt(checkpoint);
}

Result<AppendReceipt> RecordingWriter::finish() {
  if (broken_) return Error{"recording " + path_ + " is broken by an earlier failure", EIO};
  if (finished_) return Error{"recording " + path_ + " is already finished", EINVAL};
  auto savedChain = chain_;
  auto savedIndex = pendingIndex_;
  size_t savedOffsets = indexOffsets_.size();
  std::string out;
  auto cp = appendIndexAndCheckpoint(out, true);
  Result<void> written = cp ? commit(out, options_.sync != SyncPolicy::kNone) : cp;
  if (!written) {
    chain_ = savedChain;
    pendingIndex_ = std::move(savedIndex);
    indexOffsets_.resize(savedOffsets);
    return written.error();
  }
  finished_ = true;
  return receipt(true);
}

Result<void> RecordingWriter::commit(const std::string& bytes, bool sync) {
  file::CutBack cut;
  auto r = file::append(path_, fileBytes_, bytes, sync, &cut);
  if (!r) {
    if (cut == file::CutBack::kFailed) broken_ = true;
    return r.error();
  }
  fileBytes_ += bytes.size();
  return {};
}

AppendReceipt RecordingWriter::receipt(bool checkpointed) const {
  return AppendReceipt{nextSeq_, fileBytes_, lastTimeUs_, checkpointed};
}

size_t RecordingWriter::residentBytes() const {
  return sizeof(*this) + (path_.capacity() > 15 ? path_.capacity() + 1 : 0) +
         (sessionId_.capacity() > 15 ? sessionId_.capacity() + 1 : 0) +
         pendingIndex_.capacity() * sizeof(IndexEntry) + indexOffsets_.capacity() * 8;
}

Result<std::string> prepareRecordingPath(const std::string& dir, const std::string& sessionId,
                                         uint64_t startTimeUnixUs) {
  bool safe = !sessionId.empty() && sessionId.size() <= kMaxSessionIdBytes && sessionId[0] != '.' &&
              std::all_of(sessionId.begin(), sessionId.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
                       c == '.';
              });
  if (!safe) return Error{"session id is not safe in a file name: " + sessionId, EINVAL};
  time_t secs = static_cast<time_t>(startTimeUnixUs / 1'000'000);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char day[16];
  strftime(day, sizeof day, "%Y-%m-%d", &tm);
  std::string dayDir = dir + "/" + day;
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Error::fromErrno("cannot create " + dir);
  }
  if (::mkdir(dayDir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Error::fromErrno("cannot create " + dayDir);
  }
  return dayDir + "/" + sessionId + ".alrec";
}

}  // namespace airlock::replay
