// RecordingReader: random access to a recording's frames and events.
//
// Reads through a `ByteSource` (a byte buffer or a file read with pread), so
// parsing never depends on where the bytes live. Open finds frames through the
// trailer's index; when there is no valid trailer (the writer crashed) it
// scans the record headers instead, and cuts a torn tail. Every length read
// from the file is checked against the limits in replay/FORMAT.md before
// allocation. One reader is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "airlock/recording_event.h"
#include "airlock/recording_metadata.h"
#include "airlock/result.h"

namespace airlock::replay {

class FrameDecoder;

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual uint64_t size() const = 0;
  // Reads exactly `dst.size()` bytes at `offset`, or fails.
  virtual Result<void> readAt(uint64_t offset, std::span<uint8_t> dst) const = 0;
};

std::unique_ptr<ByteSource> makeBufferSource(std::string bytes);
// Opens `path` read-only; the descriptor lives as long as the source.
Result<std::unique_ptr<ByteSource>> openFileSource(const std::string& path);

struct FrameInfo {
  uint64_t seq = 0;
  uint64_t offset = 0;  // Of the frame record in the file.
  uint64_t firstTimeUs = 0;
  uint64_t lastTimeUs = 0;
};

enum class TailState {
  kSealed,    // Ends with a valid trailer: the writer finished.
  kUnsealed,  // Ends on a record boundary without a trailer (writer stopped).
  kTorn,      // Ends inside a record: the incomplete record was cut.
  kCorrupt,   // A record header is damaged; everything from it on was cut.
};

const char* tailStateName(TailState state);

class RecordingReader {
 public:
  static Result<RecordingReader> open(std::unique_ptr<ByteSource> source);
  static Result<RecordingReader> openFile(const std::string& path);

  const RecordingMetadata& metadata() const { return metadata_; }
  std::span<const FrameInfo> frames() const { return frames_; }
  TailState tail() const { return tail_; }
  // Bytes of the file that form complete records (the rest was cut).
  uint64_t validBytes() const { return validBytes_; }
  uint64_t fileBytes() const { return source_->size(); }
  uint64_t durationUs() const { return frames_.empty() ? 0 : frames_.back().lastTimeUs; }

  // Decodes frame `index` (checks its hash link, decompresses, parses events).
  Result<std::vector<Event>> readFrame(size_t index) const;
  // Index of the frame holding time `timeUs` (or the first frame after it);
  // `frames().size()` when `timeUs` is past the end. Binary search on the index.
  size_t frameAt(uint64_t timeUs) const;

 private:
  explicit RecordingReader(std::unique_ptr<ByteSource> source) : source_(std::move(source)) {}
  Result<void> readHeader();
  bool loadFromTrailer();
  void scanRecords();

  std::unique_ptr<ByteSource> source_;
  RecordingMetadata metadata_;
  std::vector<FrameInfo> frames_;
  TailState tail_ = TailState::kUnsealed;
  uint64_t firstRecordOffset_ = 0;  // Just after the header record.
  uint64_t validBytes_ = 0;
  mutable std::shared_ptr<FrameDecoder> decoder_;  // Created on first use.
};

}  // namespace airlock::replay
