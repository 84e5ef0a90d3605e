#include "client/cli/fd_reader.h"

#include <unistd.h>

#include <cerrno>

namespace airlock::client {

Result<std::unique_ptr<FdReader>> FdReader::create(uv_loop_t* loop, int fd, Callbacks callbacks) {
  std::unique_ptr<FdReader> reader(new FdReader(fd, std::move(callbacks)));
  auto poll = UvHandle<uv_poll_t>::create([&](uv_poll_t* h) { return uv_poll_init(loop, h, fd); },
                                          reader.get());
  if (poll) {
    reader->poll_ = std::move(*poll);
    return reader;
  }
  // Not pollable (a regular file): read it whenever the loop idles.
  auto idle = UvHandle<uv_idle_t>::create([&](uv_idle_t* h) { return uv_idle_init(loop, h); },
                                          reader.get());
  if (!idle) return Error{"cannot watch stdin: " + idle.error().message};
  reader->idle_ = std::move(*idle);
  return reader;
}

void FdReader::resume() {
  if (reading_ || done_) return;
  reading_ = true;
  if (poll_) {
    uv_poll_start(poll_.get(), UV_READABLE, onUvPoll);
  } else {
    uv_idle_start(idle_.get(), onUvIdle);
  }
}

void FdReader::pause() {
  if (!reading_) return;
  reading_ = false;
  if (poll_) {
    uv_poll_stop(poll_.get());
  } else {
    uv_idle_stop(idle_.get());
  }
}

void FdReader::onUvPoll(uv_poll_t* handle, int status, int events) {
  auto* self = static_cast<FdReader*>(handle->data);
  if (self == nullptr) return;
  if (status < 0) {
    self->pause();
    self->done_ = true;
    self->callbacks_.on_error(Error{std::string("cannot read stdin: ") + uv_strerror(status)});
    return;
  }
  (void)events;  // Readable or hung up: read() tells which.
  self->readOnce();
}

void FdReader::onUvIdle(uv_idle_t* handle) {
  auto* self = static_cast<FdReader*>(handle->data);
  if (self != nullptr) self->readOnce();
}

void FdReader::readOnce() {
  ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    int err = errno;
    pause();
    done_ = true;
    callbacks_.on_error(Error::fromErrno("cannot read stdin", err));
    return;
  }
  if (n == 0) {
    pause();
    done_ = true;
    callbacks_.on_eof();
    return;
  }
  callbacks_.on_data(std::span<const uint8_t>(buffer_.data(), static_cast<size_t>(n)));
}

}  // namespace airlock::client
