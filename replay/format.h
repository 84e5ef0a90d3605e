// Constants and limits of the recording container (replay/FORMAT.md).
// Changing any value here makes existing recordings unreadable.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace airlock::replay::format {

inline constexpr std::array<uint8_t, 8> kFileMagic = {0x89, 'A', 'L', 'R', 'E', 'C', '\r', '\n'};
inline constexpr uint32_t kFormatVersion = 1;

enum RecordType : uint8_t {
  kHeader = 1,
  kFrame = 2,
  kIndex = 3,
  kCheckpoint = 4,
  kDirectory = 5,
  kTrailer = 6,
};

// type (1) | body length (4, LE) | CRC-32 of those 5 bytes (4, LE).
// Then the link: the first 8 bytes of the previous record's chain value (8).
inline constexpr size_t kRecordHeadBytes = 9;
inline constexpr size_t kLinkBytes = 8;
inline constexpr size_t kChainBytes = 32;
inline constexpr size_t kRecordOverhead = kRecordHeadBytes + kLinkBytes + kChainBytes;

// Frame body: seq, first time, last time (u64), event count, raw bytes (u32), zstd frame.
inline constexpr size_t kFramePrefixBytes = 32;
inline constexpr size_t kIndexEntryBytes = 32;
// Checkpoint body: frame count, last time (u64), final flag (u8), previous chain, signature.
inline constexpr size_t kCheckpointSignedBytes = 8 + 8 + 1 + kChainBytes;
inline constexpr size_t kCheckpointBodyBytes = kCheckpointSignedBytes + 64;
inline constexpr std::array<uint8_t, 8> kTrailerMagic = {'A', 'L', 'R', 'E', 'C', 'E', 'N', 'D'};
inline constexpr size_t kTrailerBodyBytes = 16;
inline constexpr size_t kTrailerRecordBytes = kRecordOverhead + kTrailerBodyBytes;
inline constexpr std::string_view kCheckpointContext = "airlock-recording-checkpoint-v1";

// Limits on untrusted lengths (style R14).
inline constexpr uint32_t kMaxHeaderBody = 64 * 1024;
inline constexpr uint32_t kMaxFrameRawBytes = 8 * 1024 * 1024;
inline constexpr uint32_t kMaxFrameBody = kFramePrefixBytes + kMaxFrameRawBytes + 64 * 1024;
inline constexpr uint32_t kMaxEventsPerFrame = 1024 * 1024;
inline constexpr uint32_t kMaxCheckpointEvery = 4096;
inline constexpr uint32_t kMaxIndexEntries = kMaxCheckpointEvery;
inline constexpr uint32_t kMaxIndexBody = 4 + kMaxIndexEntries * kIndexEntryBytes;
inline constexpr uint32_t kMaxDirectoryEntries = 1024 * 1024;
inline constexpr uint32_t kMaxDirectoryBody = 4 + kMaxDirectoryEntries * 8;

// Largest body a record of `type` may have; 0 for unknown types.
uint32_t maxBodyBytes(uint8_t type);

}  // namespace airlock::replay::format
