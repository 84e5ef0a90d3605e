#include "record_codec.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace airlock::replay::format {

uint32_t maxBodyBytes(uint8_t type) {
  switch (type) {
    case kHeader: return kMaxHeaderBody;
    case kFrame: return kMaxFrameBody;
    case kIndex: return kMaxIndexBody;
    case kCheckpoint: return kCheckpointBodyBytes;
    case kDirectory: return kMaxDirectoryBody;
    case kTrailer: return kTrailerBodyBytes;
    default: return 0;
  }
}

}  // namespace airlock::replay::format

namespace airlock::replay::record {

void putU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

void putU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

uint32_t getU32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

uint64_t getU64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

uint32_t crc32(std::span<const uint8_t> bytes) {
  // Bitwise CRC-32 (IEEE, reflected); only ever run over 5-byte record heads.
  uint32_t crc = 0xFFFFFFFFu;
  for (uint8_t b : bytes) {
    crc ^= b;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void putHead(std::string& out, uint8_t type, uint32_t bodyBytes) {
  size_t start = out.size();
  out.push_back(static_cast<char>(type));
  putU32(out, bodyBytes);
  putU32(out, crc32(asBytes(std::string_view(out).substr(start, 5))));
}

std::optional<Head> parseHead(std::span<const uint8_t, format::kRecordHeadBytes> bytes) {
  if (crc32(bytes.first(5)) != getU32(bytes.data() + 5)) return std::nullopt;
  return Head{bytes[0], getU32(bytes.data() + 1)};
}

Chain chainHash(const Chain& previous, uint8_t type, std::span<const uint8_t> body) {
  uint8_t head[5] = {type};
  for (int i = 0; i < 4; ++i) head[1 + i] = static_cast<uint8_t>(body.size() >> (8 * i));
  Chain out;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
            EVP_DigestUpdate(ctx, previous.data(), previous.size()) == 1 &&
            EVP_DigestUpdate(ctx, head, sizeof head) == 1 &&
            EVP_DigestUpdate(ctx, body.data(), body.size()) == 1 &&
            EVP_DigestFinal_ex(ctx, out.data(), nullptr) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) std::abort();  // Only on OOM or a broken libcrypto (style R13: crash).
  return out;
}

std::span<const uint8_t> asBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string toHex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

}  // namespace airlock::replay::record
