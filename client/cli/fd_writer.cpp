#include "client/cli/fd_writer.h"

#include <unistd.h>

#include <cerrno>

namespace airlock::client {

Result<std::unique_ptr<FdWriter>> FdWriter::create(uv_loop_t* loop, int fd, Callbacks callbacks) {
  std::unique_ptr<FdWriter> writer(new FdWriter(fd, std::move(callbacks)));
  auto poll = UvHandle<uv_poll_t>::create([&](uv_poll_t* h) { return uv_poll_init(loop, h, fd); },
                                          writer.get());
  if (poll) {
    writer->poll_ = std::move(*poll);
  } else if (poll.error().code != UV_EPERM) {  // EPERM: a regular file, written synchronously.
    return Error{"cannot watch fd " + std::to_string(fd) + ": " + poll.error().message};
  }
  return writer;
}

void FdWriter::write(std::span<const uint8_t> data) {
  if (failed_ || data.empty()) return;
  queue_.emplace_back(reinterpret_cast<const char*>(data.data()), data.size());
  queued_bytes_ += data.size();
  if (polling_) return;  // The next writable event continues.
  if (!drain()) return;
  if (!queue_.empty() && poll_) {
    polling_ = true;
    uv_poll_start(poll_.get(), UV_WRITABLE, onUvPoll);
  }
}

void FdWriter::onUvPoll(uv_poll_t* handle, int status, int events) {
  (void)events;
  auto* self = static_cast<FdWriter*>(handle->data);
  if (self == nullptr) return;
  if (status < 0) {
    self->failed_ = true;
    uv_poll_stop(handle);
    self->callbacks_.on_error(Error{std::string("cannot write output: ") + uv_strerror(status)});
    return;
  }
  if (self->drain() && self->queue_.empty()) {
    self->polling_ = false;
    uv_poll_stop(handle);
  }
}

bool FdWriter::drain() {
  size_t written = 0;
  while (!queue_.empty()) {
    const std::string& front = queue_.front();
    ssize_t n = ::write(fd_, front.data() + front_offset_, front.size() - front_offset_);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      int err = errno;
      failed_ = true;
      if (polling_) uv_poll_stop(poll_.get());
      if (written > 0) callbacks_.on_written(written);
      callbacks_.on_error(Error::fromErrno("cannot write output", err));
      return false;
    }
    written += static_cast<size_t>(n);
    queued_bytes_ -= static_cast<size_t>(n);
    front_offset_ += static_cast<size_t>(n);
    if (front_offset_ == front.size()) {
      queue_.pop_front();
      front_offset_ = 0;
    }
  }
  if (written > 0) callbacks_.on_written(written);
  return true;
}

}  // namespace airlock::client
