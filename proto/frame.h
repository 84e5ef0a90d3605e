// The airlock.v1 frame codec: sans-I/O encode/decode of one WebSocket message.
//
// Used by the daemon, the client and the bench alike. Decoding never trusts
// the peer: sizes are checked against `FrameLimits` before anything is
// parsed, and every rejection says what was wrong. See proto/PROTOCOL.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "airlock/result.h"
#include "airlock_v1.pb.h"

namespace airlock::proto {

inline constexpr std::string_view kSubprotocol = "airlock.v1";
inline constexpr size_t kHeaderBytes = 5;
inline constexpr uint32_t kConnectionChannel = 0;

enum class FrameType : uint8_t {
  kOpen = 1,
  kOpened = 2,
  kStdin = 3,
  kStdout = 4,
  kStderr = 5,
  kResize = 6,
  kCloseStdin = 7,
  kExit = 8,
  kError = 9,
  kCredit = 10,
  kClose = 11,
  kPing = 12,
  kPong = 13,
  kList = 14,
  kSessions = 15,
  kCanI = 16,
  kDecision = 17,
  kDelegate = 18,
  kDelegation = 19,
};

std::string_view frameTypeName(FrameType type);

// Every field a peer sends has a byte limit, checked when the frame is
// decoded (BAD_FRAME), before anything is looked up, logged or answered.
// PROTOCOL.md lists them.
struct FrameLimits {
  size_t max_frame_bytes = 1 << 20;
  uint32_t max_argv = 4096;
  size_t max_argv_bytes = 256 * 1024;
  uint32_t max_env = 1024;
  size_t max_env_bytes = 64 * 1024;     // All names and values together.
  size_t max_target_bytes = 256;        // A task id or a [[target]] id.
  size_t max_user_bytes = 256;          // LOGIN_NAME_MAX on Linux.
  size_t max_cwd_bytes = 4096;          // PATH_MAX.
  size_t max_delegation_bytes = 8192;   // A delegation token (a JWT).
  size_t max_session_id_bytes = 64;     // watch_session.
  size_t max_operation_bytes = 32;      // CAN_I operation.
  size_t max_ping_bytes = 125;          // RFC 6455's limit for control frames.
  uint32_t max_rows = 10000;
  uint32_t max_cols = 10000;
};

// The largest control frame the daemon sends (ERROR, PONG, SESSIONS, ...):
// its send buffer holds one, and every reply is built to fit it.
inline constexpr size_t kMaxControlFrameBytes = 64 * 1024;
// An ERROR's message is cut to this many bytes.
inline constexpr size_t kMaxErrorMessageBytes = 1024;

// A decoded frame; `payload` points into the buffer given to `decodeFrame`.
struct Frame {
  FrameType type;
  uint32_t channel;
  std::span<const uint8_t> payload;
};

// Checks the header, the channel rule of the type (connection-level types on
// channel 0, session types elsewhere) and fixed payload sizes.
Result<Frame> decodeFrame(std::span<const uint8_t> bytes, const FrameLimits& limits);

// Writes the 5-byte header at `out`.
void writeHeader(uint8_t* out, FrameType type, uint32_t channel);

// Encodes a whole frame. Data frames take raw bytes, control frames a message.
std::string encodeFrame(FrameType type, uint32_t channel, std::span<const uint8_t> payload = {});
std::string encodeFrame(FrameType type, uint32_t channel, const google::protobuf::MessageLite& msg);

// Parses a control payload into `msg`.
Result<void> decodeMessage(const Frame& frame, google::protobuf::MessageLite& msg);

// Semantic checks of the client's requests against the limits.
Result<void> validateOpen(const v1::Open& open, const FrameLimits& limits);
Result<void> validateResize(const v1::Resize& resize, const FrameLimits& limits);
Result<void> validateCanI(const v1::CanI& question, const FrameLimits& limits);
Result<void> validateDelegate(const v1::Delegate& ask, const FrameLimits& limits);

// Decodes a frame and, for control types, its message, as the daemon or the
// client would; the fuzz target drives exactly this.
Result<void> decodeAndValidate(std::span<const uint8_t> bytes, const FrameLimits& limits);

}  // namespace airlock::proto
