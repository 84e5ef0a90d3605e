#include "loop/deferred_deleter.h"

#include <cstdlib>

namespace airlock::loop {

DeferredDeleter::DeferredDeleter(uv_loop_t* loop) {
  auto check = UvHandle<uv_check_t>::create([&](uv_check_t* h) { return uv_check_init(loop, h); },
                                            this);
  if (!check) std::abort();  // uv_check_init cannot fail on a live loop.
  check_ = std::move(*check);
}

DeferredDeleter::~DeferredDeleter() { drain(); }

void DeferredDeleter::deferDelete(std::unique_ptr<Deferred> object) {
  if (pending_.empty()) uv_check_start(check_.get(), onUvCheck);
  pending_.push_back(std::move(object));
}

void DeferredDeleter::drain() {
  // Destructors may defer more objects; keep going until none are left.
  while (!pending_.empty()) {
    auto batch = std::move(pending_);
    pending_.clear();
    batch.clear();
  }
  if (check_) uv_check_stop(check_.get());
}

void DeferredDeleter::onUvCheck(uv_check_t* handle) {
  if (auto* self = ownerOf<DeferredDeleter>(handle)) self->drain();
}

}  // namespace airlock::loop
