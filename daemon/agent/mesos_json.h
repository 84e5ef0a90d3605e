// The JSON mapping the Mesos agent uses for its API bodies (spec section 1.5,
// stout/protobuf.hpp), over protobuf reflection, for any Mesos message.
//
// Output: compact, fields in .proto declaration order, enums by name, bytes as
// padded base64, 64-bit integers as JSON numbers, and unset optional scalars
// with an explicit [default] emitted. Input: snake_case names, unknown fields
// ignored, `null` = unset, enums by name only (an unknown name leaves the
// field unset), lenient base64, integers as numbers or numeric strings, and
// "Missing required fields: ..." when a required field is absent.
// Stateless functions; any thread.
#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <string_view>

#include "airlock/result.h"

namespace airlock::agent {

std::string toMesosJson(const google::protobuf::Message& message);
Result<void> fromMesosJson(std::string_view json, google::protobuf::Message& message);

std::string base64Encode(std::string_view bytes);
// Mesos's lenient decoder: whitespace skipped, stops at the first '='.
Result<std::string> base64DecodeLenient(std::string_view text);

}  // namespace airlock::agent
