// Record framing helpers shared by the writer, reader and verifier:
// little-endian integers, the record head with its CRC, and the chain hash.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "format.h"

namespace airlock::replay::record {

using Chain = std::array<uint8_t, format::kChainBytes>;

void putU32(std::string& out, uint32_t v);
void putU64(std::string& out, uint64_t v);
uint32_t getU32(const uint8_t* p);
uint64_t getU64(const uint8_t* p);

uint32_t crc32(std::span<const uint8_t> bytes);

struct Head {
  uint8_t type;
  uint32_t bodyBytes;
};

// Appends the 9-byte record head for `type` and `bodyBytes`.
void putHead(std::string& out, uint8_t type, uint32_t bodyBytes);
// Parses a 9-byte head; nullopt when its CRC does not match.
std::optional<Head> parseHead(std::span<const uint8_t, format::kRecordHeadBytes> bytes);

// chain = SHA-256(previous chain | type | body length LE32 | body).
Chain chainHash(const Chain& previous, uint8_t type, std::span<const uint8_t> body);

std::span<const uint8_t> asBytes(std::string_view s);
std::string toHex(std::span<const uint8_t> bytes);

}  // namespace airlock::replay::record
