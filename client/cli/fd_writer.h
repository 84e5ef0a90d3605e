// Writing remote output to a local fd (the CLI's stdout or stderr).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include <uv.h>

#include "airlock/result.h"
#include "airlock/uv_handle.h"

namespace airlock::client {

// Queues bytes for an fd and writes them when it is writable, coping with
// EAGAIN and partial writes; `on_written(n)` reports bytes that reached the
// fd, which is when the `ExecSession` re-grants output credit, so the queue
// never holds more than the channel's window. Fds epoll refuses (regular
// files, /dev/null) are written synchronously. Owned by its `ExecSession`;
// loop thread only.
class FdWriter {
 public:
  struct Callbacks {
    std::function<void(size_t)> on_written;
    // EPIPE has `code == EPIPE`: the reader went away.
    std::function<void(const Error&)> on_error;
  };

  static Result<std::unique_ptr<FdWriter>> create(uv_loop_t* loop, int fd, Callbacks callbacks);
  FdWriter(const FdWriter&) = delete;
  FdWriter& operator=(const FdWriter&) = delete;

  void write(std::span<const uint8_t> data);
  bool idle() const { return queue_.empty(); }
  size_t queuedBytes() const { return queued_bytes_; }

 private:
  FdWriter(int fd, Callbacks callbacks) : fd_(fd), callbacks_(std::move(callbacks)) {}
  static void onUvPoll(uv_poll_t* handle, int status, int events);
  // Writes until done or EAGAIN; false after an error was reported.
  bool drain();

  int fd_;
  Callbacks callbacks_;
  UvHandle<uv_poll_t> poll_;  // Empty: synchronous mode.
  bool polling_ = false;
  bool failed_ = false;
  std::deque<std::string> queue_;
  size_t front_offset_ = 0;
  size_t queued_bytes_ = 0;
};

}  // namespace airlock::client
