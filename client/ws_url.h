// Parsing of the daemon address given to the client (`ws://host:port/path`).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "airlock/result.h"

namespace airlock::client {

// A WebSocket URL split into what `lws_client_connect_via_info` needs.
struct WsUrl {
  bool secure = false;  // wss://
  std::string host;     // Without brackets for IPv6 literals.
  uint16_t port = 0;
  std::string path;     // Always starts with '/'.
};

// Accepts ws:// and wss:// URLs with an optional port (default 80/443) and
// path (default "/"). Userinfo, queries and fragments are rejected.
Result<WsUrl> parseWsUrl(std::string_view url);

}  // namespace airlock::client
