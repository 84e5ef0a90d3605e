// quotePeerText: how a message quotes what a peer sent.
//
// Every error, log line or reply that repeats peer input (a target, a user,
// a session id, a token's alg) quotes it through here: at most `max_bytes`
// of it, with every byte that is not printable ASCII written as \xNN (so no
// terminal escape or invalid UTF-8 travels on), between single quotes, and
// "..." after the quote when it was cut. The reply's size then never depends
// on the peer.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace airlock {

inline constexpr size_t kQuotedPeerBytes = 64;

inline std::string quotePeerText(std::string_view text, size_t max_bytes = kQuotedPeerBytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  size_t shown = text.size() < max_bytes ? text.size() : max_bytes;
  for (size_t i = 0; i < shown; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  out += '\'';
  if (shown < text.size()) out += "...";
  return out;
}

}  // namespace airlock
