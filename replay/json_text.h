// JSON string quoting for the exporters (RFC 8259; input must be valid UTF-8).
#pragma once

#include <string>
#include <string_view>

namespace airlock::replay {

// Appends `s` as a quoted JSON string to `out`.
void appendJsonString(std::string& out, std::string_view s);

}  // namespace airlock::replay
