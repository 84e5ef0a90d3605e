// MesosProcess: one session run as a nested container session of a task
// (spec section 4). Resolves the task, launches with
// LAUNCH_NESTED_CONTAINER_SESSION and reads its RecordIO ProcessIO stream
// into the observer's buffers, only while they have room (a full buffer
// pauses the transfer with CURL_WRITEFUNC_PAUSE; `resumeOutput` resumes it);
// once the response head arrived, streams input, sizes and heartbeats with
// ATTACH_CONTAINER_INPUT; after the stream ended and its output was
// delivered, asks WAIT_NESTED_CONTAINER for the exit status. Ending the
// session early closes the launch connection, which makes the agent kill it.
// An agent failure (refused launch, broken or closed stream, no answer in
// time) loses the session: the observer hears why (its viewers get an error
// frame), then the exit status is asked for and the session ends.
// Owned by its Session; loop thread only.
#pragma once

#include <uv.h>

#include <array>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "agent/agent_request.h"
#include "agent/recordio.h"
#include "agent/task_cache.h"
#include "backend/process.h"
#include "loop/timer.h"

namespace airlock::backend {

class MesosBackend;

class MesosProcess final : public Process {
 public:
  // The wait status reported when the agent fails us (exit code 125, as the
  // CLI uses for "the daemon or the connection failed").
  static constexpr int kAgentFailureStatus = 125 << 8;
  // The wait status when the agent no longer knows the exit (WAIT 404).
  static constexpr int kUnknownExitStatus = 255 << 8;

  MesosProcess(MesosBackend& backend, const SessionSpec& spec, ProcessObserver& observer);
  ~MesosProcess() override;

  void begin();

  // Process
  int pid() const override { return 0; }  // Runs on the agent, not here.
  void writeInput(std::span<const char> bytes) override;
  void closeInput() override;
  void resize(uint16_t rows, uint16_t cols) override;
  void resumeOutput() override;
  void terminate() override;

 private:
  enum class State { kResolving, kLaunching, kRunning, kDraining, kFailing, kWaiting, kEnded };
  class LaunchListener;
  class InputListener;

  void launch(const agent::ResolvedTask& task);
  void onLaunchHead(long status, const std::string& content_type, const std::string& mct);
  size_t onLaunchData(std::string_view bytes);
  void onLaunchDone(CURLcode code, long status);
  void openInput();
  size_t onUploadRead(char* buf, size_t size);
  void onInputDone(CURLcode code, long status);
  void queueRecord(const mesos::agent::Call& record, size_t stdin_bytes = 0);
  void deliverPending();
  void maybeWait();
  void wait();
  void fail(const std::string& reason);
  void end(int wait_status);
  void scheduleResume();

  MesosBackend& backend_;
  SessionSpec spec_;
  ProcessObserver& observer_;
  State state_ = State::kResolving;
  std::string tag_;  // For logs: the nested container id once known.
  mesos::ContainerID container_;
  agent::ContentType type_;

  std::unique_ptr<LaunchListener> launch_listener_;
  std::unique_ptr<agent::AgentRequest> launch_;
  agent::RecordIoDecoder decoder_;
  long launch_status_ = 0;
  std::string error_body_;
  std::array<std::string, 2> pending_;  // Decoded output the observer had no room for.
  bool receive_paused_ = false;
  bool output_done_ = false;

  std::unique_ptr<InputListener> input_listener_;
  std::unique_ptr<agent::AgentRequest> input_;
  std::string upload_;                                 // Encoded records not yet taken by curl.
  std::deque<std::pair<size_t, size_t>> credits_;      // (end offset in the upload, stdin bytes).
  uint64_t upload_taken_ = 0;                           // Bytes curl took so far.
  uint64_t upload_queued_ = 0;                          // Bytes ever queued.
  std::string early_input_;                            // Before the input stream exists.
  bool input_closing_ = false;
  bool input_finished_ = false;                        // Non-PTY: body ends after the EOF record.
  bool upload_paused_ = false;
  std::optional<std::pair<uint16_t, uint16_t>> size_;

  loop::Timer resume_timer_;
  loop::Timer head_timer_;
  loop::Timer heartbeat_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace airlock::backend
