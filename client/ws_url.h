// Parsing of the daemon address given to the client: `unix:/PATH` (the
// daemon's Unix socket, the default), `ws://host:port/path` or `wss://...`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "airlock/result.h"

namespace airlock::client {

// A WebSocket URL split into what `lws_client_connect_via_info` needs.
struct WsUrl {
  std::string unix_path;  // unix:/PATH; then host is "localhost" and port 0.
  bool secure = false;  // wss://
  std::string host;     // Without brackets for IPv6 literals.
  uint16_t port = 0;
  std::string path;     // Always starts with '/'.
};

// Accepts unix:/PATH, and ws:// and wss:// URLs with an optional port
// (default 80/443) and path (default "/"). Userinfo, queries and fragments
// are rejected.
Result<WsUrl> parseWsUrl(std::string_view url);

// True for 127.0.0.0/8, ::1 and "localhost": a plain ws:// there stays on
// this machine.
bool isLoopbackHost(std::string_view host);

}  // namespace airlock::client
