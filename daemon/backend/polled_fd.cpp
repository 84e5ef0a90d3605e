#include "backend/polled_fd.h"

#include <unistd.h>

namespace airlock::backend {

bool PolledFd::open(uv_loop_t* loop, int fd, EventFn on_event) {
  auto poll = UvHandle<uv_poll_t>::create(
      [&](uv_poll_t* h) { return uv_poll_init(loop, h, fd); }, this);
  if (!poll) {
    ::close(fd);
    return false;
  }
  poll_ = std::move(*poll);
  fd_ = fd;
  on_event_ = std::move(on_event);
  return true;
}

void PolledFd::close() {
  if (fd_ < 0) return;
  poll_.reset();
  ::close(fd_);
  fd_ = -1;
  events_ = 0;
}

void PolledFd::watch(int events) {
  if (fd_ < 0 || events == events_) return;
  events_ = events;
  if (events == 0) {
    uv_poll_stop(poll_.get());
  } else {
    uv_poll_start(poll_.get(), events, onUvPoll);
  }
}

void PolledFd::onUvPoll(uv_poll_t* handle, int status, int events) {
  if (auto* self = ownerOf<PolledFd>(handle)) self->on_event_(status, events);
}

}  // namespace airlock::backend
