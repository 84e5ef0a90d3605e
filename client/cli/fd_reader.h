// Reading a local fd (the CLI's stdin) on the uv loop, on demand.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include <uv.h>

#include "airlock/result.h"
#include "airlock/uv_handle.h"

namespace airlock::client {

// Reads an fd only while resumed, one bounded chunk per readiness, so the
// consumer (an `ExecSession` holding STDIN credit) decides how fast input
// flows. Terminals, pipes and sockets are watched with `uv_poll_t`; files and
// other fds epoll refuses are read from a `uv_idle_t` (they never block for
// long). Owned by its `ExecSession`; loop thread only.
class FdReader {
 public:
  struct Callbacks {
    std::function<void(std::span<const uint8_t>)> on_data;
    std::function<void()> on_eof;
    std::function<void(const Error&)> on_error;
  };

  static Result<std::unique_ptr<FdReader>> create(uv_loop_t* loop, int fd, Callbacks callbacks);
  FdReader(const FdReader&) = delete;
  FdReader& operator=(const FdReader&) = delete;

  void resume();
  void pause();
  bool reading() const { return reading_; }

 private:
  static constexpr size_t kChunkBytes = 16 * 1024;

  FdReader(int fd, Callbacks callbacks) : fd_(fd), callbacks_(std::move(callbacks)) {}
  static void onUvPoll(uv_poll_t* handle, int status, int events);
  static void onUvIdle(uv_idle_t* handle);
  void readOnce();

  int fd_;
  Callbacks callbacks_;
  UvHandle<uv_poll_t> poll_;
  UvHandle<uv_idle_t> idle_;
  bool reading_ = false;
  bool done_ = false;
  std::array<uint8_t, kChunkBytes> buffer_{};
};

}  // namespace airlock::client
