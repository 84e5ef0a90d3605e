// UvHandle<T>: the single C++ owner of one libuv handle (style R8).
//
// Destroying or resetting the owner calls `uv_close`; the raw handle's memory
// is released only in libuv's close callback, never before. `data` is cleared
// first so a late callback finds no owner. Used by the daemon and the CLI.
// Loop thread only.
#pragma once

#include <uv.h>

#include <utility>

#include "airlock/result.h"

namespace airlock {

template <typename UvT>
class UvHandle {
 public:
  UvHandle() = default;

  // `init` is called with a fresh handle and returns a libuv status. On
  // failure the handle was never registered with the loop and is deleted here.
  template <typename InitFn>
  static Result<UvHandle> create(InitFn&& init, void* data) {
    auto* raw = new UvT{};
    if (int rc = init(raw); rc != 0) {
      delete raw;
      return Error{uv_strerror(rc), rc};
    }
    raw->data = data;
    return UvHandle(raw);
  }

  ~UvHandle() { reset(); }
  UvHandle(UvHandle&& other) noexcept : raw_(std::exchange(other.raw_, nullptr)) {}
  UvHandle& operator=(UvHandle&& other) noexcept {
    if (this != &other) {
      reset();
      raw_ = std::exchange(other.raw_, nullptr);
    }
    return *this;
  }
  UvHandle(const UvHandle&) = delete;
  UvHandle& operator=(const UvHandle&) = delete;

  UvT* get() const { return raw_; }
  explicit operator bool() const { return raw_ != nullptr; }

  void reset() {
    if (raw_ == nullptr) return;
    raw_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(std::exchange(raw_, nullptr)),
             [](uv_handle_t* h) { delete reinterpret_cast<UvT*>(h); });
  }

 private:
  explicit UvHandle(UvT* raw) : raw_(raw) {}

  UvT* raw_ = nullptr;
};

// The owner stored in a handle's `data`, or null after the owner let go.
template <typename Owner, typename UvT>
Owner* ownerOf(UvT* handle) {
  return static_cast<Owner*>(handle->data);
}

}  // namespace airlock
