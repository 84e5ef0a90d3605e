// Recorder: records one session from its first output byte to its exit
// status (a SessionConsumer the session owns).
//
// On the loop thread it copies output (and input/resizes, by policy) into an
// in-memory EventBatch; when a frame is due it hands the batch to libuv's
// thread pool, where the RecordingWriter compresses and appends it. One job
// at a time per session, chained. The recorder is never dropped: when its
// pending batch is full it stops consuming, the session's buffer fills and
// the process is paused until the disk catches up. A failure ends the session
// (fail-closed) or only the recording (fail-open). Loop thread, except the
// Job's work function.
#pragma once

#include <uv.h>

#include <cstdint>
#include <optional>
#include <string>

#include "airlock/event_batch.h"
#include "airlock/recording_writer.h"
#include "session/session.h"
#include "session/session_consumer.h"

namespace airlock::record {

class RecordingService;

class Recorder final : public session::SessionConsumer {
 public:
  Recorder(RecordingService& service, session::Session& session);
  ~Recorder() override;

  // Creates the file (on the pool).
  void start();
  // Closes the current frame if it is due (the service's timer).
  void onTick();

  // session::SessionConsumer
  void onOutputAvailable() override { advance(); }
  void onSessionEnded(int wait_status) override;
  void onInput(std::span<const char> bytes) override;
  void onResize(uint16_t rows, uint16_t cols) override;
  void onSessionLost(const std::string& reason) override;

 private:
  struct Job;
  enum class State { kCreating, kRecording, kSealing, kSealed, kFailed };

  uint64_t nowUs() const;
  void advance();
  void pull();
  void submit(Job* job);
  static void onUvWork(uv_work_t* req);
  static void onUvAfterWork(uv_work_t* req, int status);
  void onJobDone(Job& job);
  void fail(const Error& error);
  void detach();
  replay::RecordingMetadata metadata() const;

  RecordingService& service_;
  session::Session* session_;
  State state_ = State::kCreating;
  uint64_t start_ns_;
  uint64_t start_unix_us_;
  replay::EventBatch batch_;
  std::optional<replay::RecordingWriter> writer_;  // Not here while a job has it.
  Job* in_flight_ = nullptr;
  std::optional<int> wait_status_;
  bool attached_ = true;
};

}  // namespace airlock::record
