// SessionConsumer: anything that reads a session's output at its own pace: a
// client channel today, the recorder and watchers later (style R6). The
// session calls these on the loop thread; a consumer pulls bytes with
// `Session::readable` / `Session::consume` when it can send them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace airlock::session {

class SessionConsumer {
 public:
  virtual ~SessionConsumer() = default;
  // New output is readable at this consumer's cursor.
  virtual void onOutputAvailable() = 0;
  // The process ended; its output is complete (may still be unread).
  virtual void onSessionEnded(int wait_status) = 0;
  // Input written by this consumer reached the process (the writer only).
  virtual void onInputDelivered(size_t /*bytes*/) {}
  // Input on its way to the process, from whichever consumer writes.
  virtual void onInput(std::span<const char> /*bytes*/) {}
  virtual void onResize(uint16_t /*rows*/, uint16_t /*cols*/) {}
  // The session cannot go on (e.g. its recording failed under fail-closed);
  // the consumer must detach. The process is being stopped.
  virtual void onSessionLost(const std::string& /*reason*/) {}
  // A watcher fell too far behind and is cut off (the session goes on); the
  // consumer must detach. The default is what a lost session does.
  virtual void onCutOff(const std::string& reason) { onSessionLost(reason); }
};

}  // namespace airlock::session
