// CompressorPool: a bounded, thread-safe pool of zstd compression contexts
// shared by every recording in the process.
//
// A zstd context is 1.3-3.5 MiB (docs/peers.md), so sessions never own one:
// each frame leases a context for one compression call on a pool thread and
// returns it at once. At most `maxContexts` exist; when all are leased,
// `compressFrame` blocks until one is returned, so never call it on the loop
// thread. Owned by the daemon (one per process), shared by reference.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/result.h"

namespace airlock::replay {

class CompressorPool {
 public:
  struct Options {
    int level = 3;
    size_t maxContexts = 4;  // libuv's default thread pool size.
  };

  explicit CompressorPool(Options options);
  ~CompressorPool();
  CompressorPool(const CompressorPool&) = delete;
  CompressorPool& operator=(const CompressorPool&) = delete;

  // Appends one complete, independent zstd frame holding `src` to `out`.
  Result<void> compressFrame(std::string_view src, std::string& out);

  size_t contextsCreated() const;
  int level() const { return options_.level; }

 private:
  void* lease();
  void giveBack(void* ctx);

  Options options_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<void*> idle_;  // ZSTD_CCtx*, kept opaque here.
  size_t created_ = 0;
};

}  // namespace airlock::replay
