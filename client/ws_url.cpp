#include "client/ws_url.h"

#include <arpa/inet.h>

#include <charconv>

namespace airlock::client {
namespace {

Error badUrl(std::string_view url, std::string_view why) {
  return Error{"invalid daemon URL \"" + std::string(url) + "\": " + std::string(why)};
}

}  // namespace

Result<WsUrl> parseWsUrl(std::string_view url) {
  WsUrl out;
  std::string_view rest;
  if (url.starts_with("unix:")) {
    std::string_view path = url.substr(5);
    if (!path.starts_with("/")) return badUrl(url, "expected unix:/ABSOLUTE/PATH");
    if (path.size() > 107) return badUrl(url, "the socket path is longer than 107 bytes");
    out.unix_path = std::string(path);
    out.host = "localhost";
    out.path = "/";
    return out;
  }
  if (url.starts_with("ws://")) {
    rest = url.substr(5);
  } else if (url.starts_with("wss://")) {
    out.secure = true;
    rest = url.substr(6);
  } else {
    return badUrl(url, "expected unix:/PATH, ws://HOST:PORT/ or wss://HOST:PORT/");
  }
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return badUrl(url, "queries and fragments are not supported");
  }
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  out.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (authority.find('@') != std::string_view::npos) {
    return badUrl(url, "credentials in the URL are not supported; use --token-file");
  }
  std::string_view port_text;
  if (authority.starts_with("[")) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return badUrl(url, "unterminated IPv6 address");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(":")) return badUrl(url, "junk after the IPv6 address");
    if (!after.empty()) port_text = after.substr(1);
  } else {
    size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) return badUrl(url, "no host");
  out.port = out.secure ? 443 : 80;
  if (!port_text.empty() || authority.ends_with(":")) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      return badUrl(url, "the port must be a number from 1 to 65535");
    }
    out.port = static_cast<uint16_t>(value);
  }
  return out;
}

bool isLoopbackHost(std::string_view host) {
  if (host == "localhost") return true;
  std::string text(host);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, text.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace airlock::client
