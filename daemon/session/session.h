// Session: one running command and everyone attached to it.
//
// It owns the backend Process and one OutputLog per output stream, keeps a
// cursor per consumer, trims each log to the slowest cursor and resumes the
// process when space frees up. Its state machine is Running -> Ending (the
// process is being stopped because nobody is attached) -> Ended (the process
// was reaped, output complete); once Ended and no consumer is left, it asks
// the registry to delete it (deferred, R10). Owned by the SessionRegistry;
// loop thread only.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "backend/process.h"
#include "loop/deferred_deleter.h"
#include "session/output_log.h"
#include "session/session_consumer.h"

namespace airlock::session {

class SessionRegistry;

struct SessionInfo {
  std::string id;
  std::string principal;
  std::string app_id;
  std::map<std::string, std::string> labels;
  std::string authz_verdict = "allow";
  std::string authz_rule;
  backend::SessionSpec spec;
  std::string user;
  uint64_t started_unix_ms = 0;
};

class Session final : public backend::ProcessObserver, public loop::Deferred {
 public:
  enum class State { kStarting, kRunning, kEnding, kEnded };

  Session(SessionRegistry& registry, SessionInfo info, BufferPool& buffers);
  ~Session() override;

  // Starts the process with `first` already attached (so no output is missed)
  // as the session's input writer.
  Result<void> start(backend::Backend& backend, SessionConsumer& first);

  void addConsumer(SessionConsumer& consumer);
  // A read-only viewer: starts at what is still buffered and does not keep
  // the session alive (when its writer leaves, the process is stopped).
  void addWatcher(SessionConsumer& consumer);
  // Detaching the last consumer of a running session stops its process.
  void removeConsumer(SessionConsumer& consumer);

  std::span<const char> readable(const SessionConsumer& consumer, backend::OutputStream stream) const;
  void consume(const SessionConsumer& consumer, backend::OutputStream stream, size_t bytes);
  // All output this consumer can ever read was read.
  bool drainedFor(const SessionConsumer& consumer) const;

  void writeInput(std::span<const char> bytes);
  void closeInput() { if (process_) process_->closeInput(); }
  void resize(uint16_t rows, uint16_t cols);
  std::optional<bool> inputEchoes() const {
    return process_ ? process_->inputEchoes() : std::nullopt;
  }
  // Stops the process now (daemon shutdown).
  void terminate();
  // Ends the session because it cannot go on: every consumer hears `reason`
  // (and detaches), the process is stopped.
  void fail(const std::string& reason);
  // Attaches a consumer the session owns (the recorder); it reads from the
  // oldest buffered byte and is destroyed with the session.
  void adoptConsumer(std::unique_ptr<SessionConsumer> consumer);

  const SessionInfo& info() const { return info_; }
  State state() const { return state_; }
  int pid() const { return process_ ? process_->pid() : -1; }
  size_t consumerCount() const { return consumers_.size(); }
  size_t bufferedBytes() const { return logs_[0].used() + logs_[1].used(); }

  // backend::ProcessObserver
  std::span<char> outputSpace(backend::OutputStream stream) override;
  void onOutput(backend::OutputStream stream, size_t bytes) override;
  void onInputDelivered(size_t bytes) override;
  void onProcessLost(const std::string& reason) override;
  void onProcessEnded(int wait_status) override;

 private:
  struct Attached {
    SessionConsumer* consumer;
    std::array<uint64_t, 2> cursor;
    bool watcher = false;
    bool cut = false;  // A watcher too far behind, being told (onCutOff).
  };
  Attached* find(const SessionConsumer& consumer);
  const Attached* find(const SessionConsumer& consumer) const;
  void trim(backend::OutputStream stream);
  void maybeFinish();
  // Calls `fn` for each consumer attached now, skipping any that an earlier
  // call detached.
  template <typename Fn>
  void notifyConsumers(Fn fn);

  SessionRegistry& registry_;
  SessionInfo info_;
  State state_ = State::kStarting;
  int wait_status_ = 0;
  std::array<OutputLog, 2> logs_;
  std::vector<Attached> consumers_;
  SessionConsumer* writer_ = nullptr;
  std::vector<std::unique_ptr<SessionConsumer>> owned_;
  std::unique_ptr<backend::Process> process_;
};

}  // namespace airlock::session
