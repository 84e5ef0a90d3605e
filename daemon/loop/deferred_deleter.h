// DeferredDeleter: destroys objects after the current callback stack unwinds
// (style R10). An object that may die inside its own callback (a connection,
// a session) detaches first, then is handed here; a uv_check_t destroys it on
// the next loop iteration. Owned by the Daemon; loop thread only.
#pragma once

#include <uv.h>

#include <memory>
#include <vector>

#include "airlock/uv_handle.h"

namespace airlock::loop {

class Deferred {
 public:
  virtual ~Deferred() = default;
};

class DeferredDeleter {
 public:
  explicit DeferredDeleter(uv_loop_t* loop);
  ~DeferredDeleter();

  void deferDelete(std::unique_ptr<Deferred> object);
  // Destroys everything pending now (used during shutdown).
  void drain();

 private:
  static void onUvCheck(uv_check_t* handle);

  UvHandle<uv_check_t> check_;
  std::vector<std::unique_ptr<Deferred>> pending_;
};

}  // namespace airlock::loop
