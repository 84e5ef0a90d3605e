// The agent's content negotiation (spec section 2.2, `Http::api`), as pure
// functions over request headers, for the agent emulator. Each failure is
// the exact status and message the agent answers.
#pragma once

#include <optional>
#include <string>

#include "agent/agent_calls.h"
#include "http_parser.h"

namespace airlock::emulator {

struct HttpError {
  int status;
  std::string message;
};

struct Negotiated {
  bool streaming_request = false;        // Content-Type: application/recordio.
  agent::ContentType request_type{};     // Of the body, or of each record.
  enum class Accept { kJson, kProtobuf, kRecordIo } accept = Accept::kJson;
  agent::ContentType response_type{};    // Of the body, or of each streamed record.
};

// Checks before the body is read (400/415/406 in the agent's order).
std::optional<HttpError> negotiate(const HttpRequest& request, Negotiated& out);
// Checks once the call type is known.
std::optional<HttpError> checkCallType(const Negotiated& n, const std::string& call_type);

}  // namespace airlock::emulator
