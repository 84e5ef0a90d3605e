// Single ownership of one libuv handle (style R8).
#pragma once

#include <utility>

#include <uv.h>

namespace airlock::client {

// Owns a heap-allocated libuv handle. The owner may die at any time; the raw
// handle is freed only by libuv's close callback. `data` points at whoever
// handles its callbacks and is cleared on close, so late callbacks see no
// owner. Loop thread only.
template <typename UvT>
class UvHandle {
 public:
  UvHandle() = default;
  // Takes a handle whose `uv_*_init` succeeded.
  explicit UvHandle(UvT* raw) : raw_(raw) {}
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
  UvT* raw_ = nullptr;
};

// `new`s a handle and runs `init`; returns an empty `UvHandle` and the libuv
// error code if that failed (then nothing needs closing).
template <typename UvT, typename Init>
std::pair<UvHandle<UvT>, int> makeUvHandle(Init&& init) {
  auto* raw = new UvT{};
  if (int rc = init(raw); rc != 0) {
    delete raw;
    return {UvHandle<UvT>(), rc};
  }
  return {UvHandle<UvT>(raw), 0};
}

}  // namespace airlock::client
