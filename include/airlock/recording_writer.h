// RecordingWriter: appends one session's recording file (replay/FORMAT.md).
//
// Threading contract (how airlockd uses it):
//   * The loop thread fills an `EventBatch` (event_batch.h). When
//     `batch.due(now, policy)` is true, or the session ends, it moves the batch
//     into a `uv_queue_work` request together with a pointer to the session's
//     writer, and starts a new, empty batch.
//   * The work callback (a libuv pool thread) calls `appendFrame`. It leases a
//     zstd context from the shared `CompressorPool` for the one call, opens the
//     file O_WRONLY|O_APPEND|O_CLOEXEC, writes the frame (plus an index and a
//     signed checkpoint every `checkpointEveryFrames` frames) in one write,
//     optionally fdatasyncs, and closes the file. No descriptor and no zstd
//     context is held between frames.
//   * The after-work callback (loop thread) reads the returned
//     `AppendReceipt` (or error) and advances the session's durable position.
//   * A writer is used by one thread at a time, but may move between pool
//     threads: the daemon must not queue the next `appendFrame` for a session
//     until the previous one's after-work callback ran (chain them).
//   * `create` and `finish` do file I/O too: run them on the pool as well.
//   * Every failure (ENOSPC, EIO, ...) is returned as an `Error` whose `code`
//     is the errno. On a failed append the file is cut back to its last good
//     length, the writer's state is unchanged and the same batch may be
//     retried; if even the cut fails, the writer is broken and every later
//     call fails. Nothing already written is ever modified.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "airlock/compressor_pool.h"
#include "airlock/event_batch.h"
#include "airlock/recording_keys.h"
#include "airlock/recording_metadata.h"
#include "airlock/result.h"

namespace airlock::replay {

enum class SyncPolicy {
  kNone,         // Rely on the page cache (survives a daemon crash, not a power cut).
  kCheckpoints,  // fdatasync after each signed checkpoint and at the end.
  kEveryFrame,   // fdatasync after every frame.
};

struct WriterOptions {
  uint32_t checkpointEveryFrames = 16;
  SyncPolicy sync = SyncPolicy::kCheckpoints;
};

struct AppendReceipt {
  uint64_t frames = 0;        // Frames in the file after this call.
  uint64_t fileBytes = 0;     // Length of the file: everything before it is complete.
  uint64_t lastTimeUs = 0;    // Time of the last recorded event.
  bool checkpointed = false;  // This call wrote a signed checkpoint.
};

class RecordingWriter {
 public:
  // Creates `path` (O_EXCL, mode 0600) and writes the file magic and header.
  static Result<RecordingWriter> create(std::string path, RecordingMetadata metadata,
                                        std::shared_ptr<const RecordingSigner> signer,
                                        WriterOptions options = {});

  RecordingWriter(RecordingWriter&&) noexcept = default;
  RecordingWriter& operator=(RecordingWriter&&) noexcept = default;

  // Compresses `batch` into one frame and appends it. An empty batch is a no-op.
  Result<AppendReceipt> appendFrame(const EventBatch& batch, CompressorPool& pool);
  // Writes the final index, the final signed checkpoint and the trailer. After
  // it, `appendFrame` fails.
  Result<AppendReceipt> finish();

  const std::string& path() const { return path_; }
  uint64_t fileBytes() const { return fileBytes_; }
  uint64_t frames() const { return nextSeq_; }
  bool finished() const { return finished_; }
  // Heap + object bytes this writer keeps between frames (for the benchmark).
  size_t residentBytes() const;

  struct IndexEntry {
    uint64_t seq;
    uint64_t offset;
    uint64_t firstTimeUs;
    uint64_t lastTimeUs;
  };

 private:
  RecordingWriter(std::string path, std::shared_ptr<const RecordingSigner> signer,
                  WriterOptions options);
  Result<void> commit(const std::string& bytes, bool sync);
  Result<void> appendIndexAndCheckpoint(std::string& out, bool final);
  void appendRecord(std::string& out, uint8_t type, const std::string& body);
  AppendReceipt receipt(bool checkpointed) const;

  std::string path_;
  std::string sessionId_;
  std::shared_ptr<const RecordingSigner> signer_;
  WriterOptions options_;
  std::array<uint8_t, 32> chain_{};       // Chain value of the last record written.
  uint64_t fileBytes_ = 0;
  uint64_t nextSeq_ = 0;
  uint64_t lastTimeUs_ = 0;
  std::vector<IndexEntry> pendingIndex_;  // Frames since the last index record.
  std::vector<uint64_t> indexOffsets_;    // Offsets of the index records written.
  bool finished_ = false;
  bool broken_ = false;
};

// `dir`/YYYY-MM-DD/`sessionId`.alrec (UTC date of `startTimeUnixUs`); creates
// the day directory with mode 0700. Runs blocking I/O: pool thread only.
Result<std::string> prepareRecordingPath(const std::string& dir, const std::string& sessionId,
                                         uint64_t startTimeUnixUs);

}  // namespace airlock::replay
