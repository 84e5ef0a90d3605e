// PolledFd: one non-blocking descriptor and the uv_poll_t watching it.
// Closing stops the poll first, then closes the fd. Owned by a LocalProcess;
// loop thread only.
#pragma once

#include <uv.h>

#include <functional>

#include "airlock/uv_handle.h"

namespace airlock::backend {

class PolledFd {
 public:
  using EventFn = std::function<void(int status, int events)>;

  PolledFd() = default;
  ~PolledFd() { close(); }
  PolledFd(const PolledFd&) = delete;
  PolledFd& operator=(const PolledFd&) = delete;

  // Takes ownership of `fd`; on failure the fd is closed.
  bool open(uv_loop_t* loop, int fd, EventFn on_event);
  void close();

  int fd() const { return fd_; }
  bool isOpen() const { return fd_ >= 0; }
  // Sets the watched events (UV_READABLE | UV_WRITABLE); 0 stops watching.
  void watch(int events);
  int watching() const { return events_; }

 private:
  static void onUvPoll(uv_poll_t* handle, int status, int events);

  int fd_ = -1;
  int events_ = 0;
  UvHandle<uv_poll_t> poll_;
  EventFn on_event_;
};

}  // namespace airlock::backend
