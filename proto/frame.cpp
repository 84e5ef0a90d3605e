#include "frame.h"

#include <string>

namespace airlock::proto {
namespace {

bool isConnectionLevel(FrameType type) {
  switch (type) {
    case FrameType::kPing:
    case FrameType::kPong:
    case FrameType::kList:
    case FrameType::kSessions:
    case FrameType::kCanI:
    case FrameType::kDecision:
    case FrameType::kDelegate:
    case FrameType::kDelegation:
      return true;
    default:
      return false;
  }
}

bool isKnown(uint8_t raw) {
  return raw >= static_cast<uint8_t>(FrameType::kOpen) &&
         raw <= static_cast<uint8_t>(FrameType::kDelegation);
}

Error badFrame(std::string message) {
  return Error{std::move(message), v1::BAD_FRAME};
}

// A string field within its byte limit and free of NUL bytes.
Result<void> checkField(std::string_view frame, std::string_view field, const std::string& value,
                        size_t max_bytes) {
  if (value.size() > max_bytes) {
    return badFrame(std::string(frame) + " " + std::string(field) + " is " +
                    std::to_string(value.size()) + " bytes; the limit is " + std::to_string(max_bytes));
  }
  if (value.find('\0') != std::string::npos) {
    return badFrame(std::string(frame) + " " + std::string(field) + " contains a NUL byte");
  }
  return {};
}

}  // namespace

std::string_view frameTypeName(FrameType type) {
  switch (type) {
    case FrameType::kOpen: return "OPEN";
    case FrameType::kOpened: return "OPENED";
    case FrameType::kStdin: return "STDIN";
    case FrameType::kStdout: return "STDOUT";
    case FrameType::kStderr: return "STDERR";
    case FrameType::kResize: return "RESIZE";
    case FrameType::kCloseStdin: return "CLOSE_STDIN";
    case FrameType::kExit: return "EXIT";
    case FrameType::kError: return "ERROR";
    case FrameType::kCredit: return "CREDIT";
    case FrameType::kClose: return "CLOSE";
    case FrameType::kPing: return "PING";
    case FrameType::kPong: return "PONG";
    case FrameType::kList: return "LIST";
    case FrameType::kSessions: return "SESSIONS";
    case FrameType::kCanI: return "CAN_I";
    case FrameType::kDecision: return "DECISION";
    case FrameType::kDelegate: return "DELEGATE";
    case FrameType::kDelegation: return "DELEGATION";
  }
  return "UNKNOWN";
}

Result<Frame> decodeFrame(std::span<const uint8_t> bytes, const FrameLimits& limits) {
  if (bytes.size() > limits.max_frame_bytes) {
    return Error{"frame of " + std::to_string(bytes.size()) + " bytes exceeds the limit of " +
                     std::to_string(limits.max_frame_bytes),
                 v1::FRAME_TOO_LARGE};
  }
  if (bytes.size() < kHeaderBytes) {
    return badFrame("frame of " + std::to_string(bytes.size()) + " bytes is shorter than its " +
                    std::to_string(kHeaderBytes) + "-byte header");
  }
  if (!isKnown(bytes[0])) {
    return badFrame("unknown frame type " + std::to_string(bytes[0]));
  }
  Frame frame{static_cast<FrameType>(bytes[0]),
              (uint32_t{bytes[1]} << 24) | (uint32_t{bytes[2]} << 16) | (uint32_t{bytes[3]} << 8) |
                  uint32_t{bytes[4]},
              bytes.subspan(kHeaderBytes)};
  bool on_connection = frame.channel == kConnectionChannel;
  // ERROR is legal on both: channel 0 for the connection, others for a session.
  if (frame.type != FrameType::kError && isConnectionLevel(frame.type) != on_connection) {
    return badFrame(std::string(frameTypeName(frame.type)) +
                    (on_connection ? " frame on channel 0" : " frame on a session channel"));
  }
  if ((frame.type == FrameType::kPing || frame.type == FrameType::kPong) &&
      frame.payload.size() > limits.max_ping_bytes) {
    return badFrame(std::string(frameTypeName(frame.type)) + " payload of " +
                    std::to_string(frame.payload.size()) + " bytes; the limit is " +
                    std::to_string(limits.max_ping_bytes));
  }
  bool must_be_empty = frame.type == FrameType::kCloseStdin || frame.type == FrameType::kClose ||
                       frame.type == FrameType::kList;
  if (must_be_empty && !frame.payload.empty()) {
    return badFrame(std::string(frameTypeName(frame.type)) + " frame with a payload");
  }
  return frame;
}

void writeHeader(uint8_t* out, FrameType type, uint32_t channel) {
  out[0] = static_cast<uint8_t>(type);
  out[1] = static_cast<uint8_t>(channel >> 24);
  out[2] = static_cast<uint8_t>(channel >> 16);
  out[3] = static_cast<uint8_t>(channel >> 8);
  out[4] = static_cast<uint8_t>(channel);
}

std::string encodeFrame(FrameType type, uint32_t channel, std::span<const uint8_t> payload) {
  std::string out(kHeaderBytes + payload.size(), '\0');
  writeHeader(reinterpret_cast<uint8_t*>(out.data()), type, channel);
  if (!payload.empty()) {
    std::copy(payload.begin(), payload.end(), out.begin() + kHeaderBytes);
  }
  return out;
}

std::string encodeFrame(FrameType type, uint32_t channel, const google::protobuf::MessageLite& msg) {
  std::string out(kHeaderBytes, '\0');
  writeHeader(reinterpret_cast<uint8_t*>(out.data()), type, channel);
  msg.AppendToString(&out);
  return out;
}

Result<void> decodeMessage(const Frame& frame, google::protobuf::MessageLite& msg) {
  if (!msg.ParseFromArray(frame.payload.data(), static_cast<int>(frame.payload.size()))) {
    return badFrame("malformed " + std::string(frameTypeName(frame.type)) + " payload");
  }
  return {};
}

Result<void> validateOpen(const v1::Open& open, const FrameLimits& limits) {
  if (auto r = checkField("OPEN", "target", open.target(), limits.max_target_bytes); !r) return r;
  if (auto r = checkField("OPEN", "delegation", open.delegation(), limits.max_delegation_bytes); !r) return r;
  if (!open.watch_session().empty()) {
    if (auto r = checkField("OPEN", "watch_session", open.watch_session(), limits.max_session_id_bytes); !r) {
      return r;
    }
    if (open.argv_size() != 0 || open.env_size() != 0 || open.tty() || !open.user().empty() ||
        !open.cwd().empty()) {
      return badFrame("OPEN to watch a session takes no command, environment, terminal, user or cwd");
    }
    return {};
  }
  if (open.target().empty()) return badFrame("OPEN without a target");
  if (auto r = checkField("OPEN", "user", open.user(), limits.max_user_bytes); !r) return r;
  if (auto r = checkField("OPEN", "cwd", open.cwd(), limits.max_cwd_bytes); !r) return r;
  if (open.argv_size() == 0) return badFrame("OPEN without a command");
  if (static_cast<uint32_t>(open.argv_size()) > limits.max_argv) {
    return badFrame("OPEN with more than " + std::to_string(limits.max_argv) + " arguments");
  }
  size_t argv_bytes = 0;
  for (const auto& arg : open.argv()) {
    if (arg.find('\0') != std::string::npos) return badFrame("OPEN argument contains a NUL byte");
    argv_bytes += arg.size() + 1;
  }
  if (argv_bytes > limits.max_argv_bytes) return badFrame("OPEN arguments too long");
  if (open.argv(0).empty()) return badFrame("OPEN with an empty program name");
  if (static_cast<uint32_t>(open.env_size()) > limits.max_env) {
    return badFrame("OPEN with more than " + std::to_string(limits.max_env) + " variables");
  }
  size_t env_bytes = 0;
  for (const auto& [name, value] : open.env()) {
    if (name.empty() || name.find_first_of("=", 0) != std::string::npos ||
        name.find('\0') != std::string::npos || value.find('\0') != std::string::npos) {
      return badFrame("OPEN with an invalid environment variable name or value");
    }
    env_bytes += name.size() + value.size() + 2;
  }
  if (env_bytes > limits.max_env_bytes) {
    return badFrame("OPEN env is " + std::to_string(env_bytes) + " bytes; the limit is " +
                    std::to_string(limits.max_env_bytes));
  }
  if (open.tty() && (open.rows() > limits.max_rows || open.cols() > limits.max_cols)) {
    return badFrame("OPEN terminal size out of range");
  }
  return {};
}

Result<void> validateResize(const v1::Resize& resize, const FrameLimits& limits) {
  if (resize.rows() == 0 || resize.cols() == 0 || resize.rows() > limits.max_rows ||
      resize.cols() > limits.max_cols) {
    return badFrame("RESIZE to " + std::to_string(resize.rows()) + "x" +
                    std::to_string(resize.cols()) + " is out of range");
  }
  return {};
}

Result<void> validateCanI(const v1::CanI& question, const FrameLimits& limits) {
  if (auto r = checkField("CAN_I", "operation", question.operation(), limits.max_operation_bytes); !r) return r;
  if (auto r = checkField("CAN_I", "target", question.target(), limits.max_target_bytes); !r) return r;
  if (auto r = checkField("CAN_I", "user", question.user(), limits.max_user_bytes); !r) return r;
  return checkField("CAN_I", "delegation", question.delegation(), limits.max_delegation_bytes);
}

Result<void> validateDelegate(const v1::Delegate& ask, const FrameLimits& limits) {
  if (auto r = checkField("DELEGATE", "target", ask.target(), limits.max_target_bytes); !r) return r;
  return checkField("DELEGATE", "delegate", ask.delegate(), limits.max_user_bytes);
}

Result<void> decodeAndValidate(std::span<const uint8_t> bytes, const FrameLimits& limits) {
  auto frame = decodeFrame(bytes, limits);
  if (!frame) return frame.error();
  switch (frame->type) {
    case FrameType::kOpen: {
      v1::Open open;
      if (auto r = decodeMessage(*frame, open); !r) return r;
      return validateOpen(open, limits);
    }
    case FrameType::kResize: {
      v1::Resize resize;
      if (auto r = decodeMessage(*frame, resize); !r) return r;
      return validateResize(resize, limits);
    }
    case FrameType::kOpened: { v1::Opened m; return decodeMessage(*frame, m); }
    case FrameType::kCredit: { v1::Credit m; return decodeMessage(*frame, m); }
    case FrameType::kExit: { v1::Exit m; return decodeMessage(*frame, m); }
    case FrameType::kError: { v1::Error m; return decodeMessage(*frame, m); }
    case FrameType::kSessions: { v1::Sessions m; return decodeMessage(*frame, m); }
    case FrameType::kCanI: {
      v1::CanI m;
      if (auto r = decodeMessage(*frame, m); !r) return r;
      return validateCanI(m, limits);
    }
    case FrameType::kDecision: { v1::Decision m; return decodeMessage(*frame, m); }
    case FrameType::kDelegate: {
      v1::Delegate m;
      if (auto r = decodeMessage(*frame, m); !r) return r;
      return validateDelegate(m, limits);
    }
    case FrameType::kDelegation: { v1::DelegationToken m; return decodeMessage(*frame, m); }
    case FrameType::kStdin:
    case FrameType::kStdout:
    case FrameType::kStderr:
    case FrameType::kCloseStdin:
    case FrameType::kClose:
    case FrameType::kPing:
    case FrameType::kPong:
    case FrameType::kList:
      return {};
  }
  return badFrame("unhandled frame type");
}

}  // namespace airlock::proto
