#include "frame_decoder.h"

#include <zstd.h>

#include "event_codec.h"
#include "format.h"
#include "record_codec.h"

namespace airlock::replay {

namespace {
// Frames hold at most kMaxFrameRawBytes (8 MiB = 2^23): no larger window is legitimate.
constexpr int kMaxWindowLog = 23;
}  // namespace

Result<FramePrefix> parseFramePrefix(std::string_view body) {
  if (body.size() < format::kFramePrefixBytes) return Error{"frame record too short"};
  auto* p = reinterpret_cast<const uint8_t*>(body.data());
  FramePrefix f{record::getU64(p), record::getU64(p + 8), record::getU64(p + 16),
                record::getU32(p + 24), record::getU32(p + 28)};
  if (f.lastTimeUs < f.firstTimeUs) return Error{"frame ends before it starts"};
  if (f.rawBytes > format::kMaxFrameRawBytes) return Error{"frame payload over the limit"};
  if (f.eventCount == 0 || f.eventCount > format::kMaxEventsPerFrame) {
    return Error{"frame event count out of range"};
  }
  return f;
}

FrameDecoder::FrameDecoder() {
  ZSTD_DCtx* d = ZSTD_createDCtx();
  if (d != nullptr) ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, kMaxWindowLog);
  dctx_ = std::shared_ptr<void>(d, [](void* p) { ZSTD_freeDCtx(static_cast<ZSTD_DCtx*>(p)); });
}

Result<std::vector<Event>> FrameDecoder::decode(std::string_view body) {
  auto prefix = parseFramePrefix(body);
  if (!prefix) return prefix.error();
  if (!dctx_) return Error{"cannot allocate a zstd decompression context", ENOMEM};
  std::string_view z = body.substr(format::kFramePrefixBytes);
  size_t frameSize = ZSTD_findFrameCompressedSize(z.data(), z.size());
  if (ZSTD_isError(frameSize) || frameSize != z.size()) {
    return Error{"frame does not hold exactly one zstd frame"};
  }
  unsigned long long declared = ZSTD_getFrameContentSize(z.data(), z.size());
  if (declared != prefix->rawBytes) return Error{"zstd frame size disagrees with the prefix"};
  std::string raw(prefix->rawBytes, '\0');
  size_t n = ZSTD_decompressDCtx(static_cast<ZSTD_DCtx*>(dctx_.get()), raw.data(), raw.size(),
                                 z.data(), z.size());
  if (ZSTD_isError(n)) return Error{std::string("zstd: ") + ZSTD_getErrorName(n)};
  if (n != raw.size()) return Error{"zstd frame decompressed to the wrong size"};
  auto events = events::decodePayload(raw, prefix->firstTimeUs, prefix->eventCount);
  if (!events) return events.error();
  if (events->back().timeUs != prefix->lastTimeUs) {
    return Error{"last event time disagrees with the frame prefix"};
  }
  return events;
}

}  // namespace airlock::replay
