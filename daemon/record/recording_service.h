// RecordingService: records every session (issue 3). It owns what all
// recorders share — the zstd compressor pool, the signing key, the frame
// policy — and one timer that closes frames that are due, so an idle
// session holds no timer, no file descriptor and no compressor. Attach a
// Recorder to each session as it starts. Owned by the Daemon; loop thread.
#pragma once

#include <uv.h>

#include <memory>
#include <set>
#include <string>

#include "airlock/compressor_pool.h"
#include "airlock/event_batch.h"
#include "airlock/recording_keys.h"
#include "airlock/recording_writer.h"
#include "airlock/result.h"
#include "config/recording_config.h"
#include "loop/timer.h"
#include "service/metrics_registry.h"
#include "session/session.h"

namespace airlock::record {

class Recorder;

class RecordingService {
 public:
  // Creates the recording directory (0700) and loads the signing key, making
  // one on first start when none is configured. Blocking I/O: start-up only.
  static Result<std::unique_ptr<RecordingService>> create(uv_loop_t* loop,
                                                          const config::RecordingConfig& config);
  ~RecordingService();

  void attach(session::Session& session);

  struct Stats {
    uint64_t frames_written = 0;
    uint64_t bytes_written = 0;   // File bytes (compressed).
    uint64_t failures = 0;
    uint64_t sealed = 0;
  };
  const Stats& stats() const { return stats_; }
  size_t active() const { return recorders_.size(); }

  // For recorders.
  uv_loop_t* loop() const { return loop_; }
  const config::RecordingConfig& config() const { return config_; }
  const std::shared_ptr<replay::CompressorPool>& pool() const { return pool_; }
  const std::shared_ptr<const replay::RecordingSigner>& signer() const { return signer_; }
  const replay::FramePolicy& framePolicy() const { return frame_policy_; }
  replay::WriterOptions writerOptions() const;
  const std::string& hostname() const { return hostname_; }
  void add(Recorder* recorder) { recorders_.insert(recorder); }
  void remove(Recorder* recorder) { recorders_.erase(recorder); }
  void onFrameWritten(uint64_t file_bytes);
  void onRecordingFailed();
  void onRecordingSealed() { stats_.sealed += 1; }

  // Also counts into these /metrics counters (airlock_recording_*).
  void countInto(metrics::Counter& bytes_written, metrics::Counter& failures) {
    bytes_counter_ = &bytes_written;
    failures_counter_ = &failures;
  }

 private:
  RecordingService(uv_loop_t* loop, config::RecordingConfig config);
  void onTick();

  uv_loop_t* loop_;
  config::RecordingConfig config_;
  std::shared_ptr<replay::CompressorPool> pool_;
  std::shared_ptr<const replay::RecordingSigner> signer_;
  replay::FramePolicy frame_policy_;
  std::string hostname_;
  std::set<Recorder*> recorders_;
  Stats stats_;
  metrics::Counter* bytes_counter_ = nullptr;
  metrics::Counter* failures_counter_ = nullptr;
  loop::Timer tick_;
};

// Loads `path`, or creates it (and `<path minus .pem>.pub.pem`) when it does
// not exist. Start-up only.
Result<std::shared_ptr<const replay::RecordingSigner>> loadOrCreateSigningKey(const std::string& path);

}  // namespace airlock::record
