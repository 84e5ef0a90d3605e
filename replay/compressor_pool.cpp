#include "airlock/compressor_pool.h"

#include <zstd.h>

namespace airlock::replay {

CompressorPool::CompressorPool(Options options) : options_(options) {
  if (options_.maxContexts == 0) options_.maxContexts = 1;
}

CompressorPool::~CompressorPool() {
  // Every lease is returned before `compressFrame` returns, so all contexts are idle here.
  for (void* ctx : idle_) ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(ctx));
}

void* CompressorPool::lease() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [&] { return !idle_.empty() || created_ < options_.maxContexts; });
  if (!idle_.empty()) {
    void* ctx = idle_.back();
    idle_.pop_back();
    return ctx;
  }
  ZSTD_CCtx* ctx = ZSTD_createCCtx();
  if (ctx == nullptr) return nullptr;
  ++created_;
  return ctx;
}

void CompressorPool::giveBack(void* ctx) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(ctx);
  }
  available_.notify_one();
}

Result<void> CompressorPool::compressFrame(std::string_view src, std::string& out) {
  auto* ctx = static_cast<ZSTD_CCtx*>(lease());
  if (ctx == nullptr) return Error{"cannot allocate a zstd context", ENOMEM};
  size_t start = out.size();
  out.resize(start + ZSTD_compressBound(src.size()));
  // Each frame is independent: reset the session parameters, then compress in one shot
  // (the known source size lets zstd shrink its window to the frame).
  ZSTD_CCtx_reset(ctx, ZSTD_reset_session_and_parameters);
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_compressionLevel, options_.level);
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_checksumFlag, 0);
  size_t n = ZSTD_compress2(ctx, out.data() + start, out.size() - start, src.data(), src.size());
  giveBack(ctx);
  if (ZSTD_isError(n)) {
    out.resize(start);
    return Error{std::string("zstd compression failed: ") + ZSTD_getErrorName(n)};
  }
  out.resize(start + n);
  return {};
}

size_t CompressorPool::contextsCreated() const {
  std::lock_guard lock(mutex_);
  return created_;
}

}  // namespace airlock::replay
