#include "http_parser.h"

#include <algorithm>
#include <charconv>

namespace airlock::emulator {
namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

std::optional<std::string> HttpRequest::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

bool HttpRequestParser::fail(std::string message) {
  error_ = std::move(message);
  state_ = State::kFailed;
  return false;
}

bool HttpRequestParser::parseHead() {
  size_t end = buffer_.find("\r\n\r\n");
  std::string_view head(buffer_.data(), end);
  request_ = HttpRequest{};
  size_t line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1 || line.substr(sp2 + 1).rfind("HTTP/1.", 0) != 0) {
    return fail("bad request line");
  }
  request_.method = line.substr(0, sp1);
  request_.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t next = head.find("\r\n", pos);
    if (next == std::string_view::npos) next = head.size();
    std::string_view h = head.substr(pos, next - pos);
    size_t colon = h.find(':');
    if (colon == std::string_view::npos || colon == 0) return fail("bad header line");
    std::string name = lower(trim(h.substr(0, colon)));
    std::string value(trim(h.substr(colon + 1)));
    auto [it, inserted] = request_.headers.emplace(name, value);
    if (!inserted) it->second += ", " + value;  // Repeated headers fold into a list.
    pos = next + 2;
  }
  if (auto te = request_.header("transfer-encoding")) {
    if (lower(*te) != "chunked") return fail("unsupported transfer-encoding");
    request_.chunked = true;
  } else if (auto cl = request_.header("content-length")) {
    auto [p, ec] = std::from_chars(cl->data(), cl->data() + cl->size(), request_.content_length);
    if (ec != std::errc{} || p != cl->data() + cl->size()) return fail("bad content-length");
  }
  buffer_.erase(0, end + 4);
  return true;
}

void HttpRequestParser::finishRequest() {
  state_ = State::kHead;
  if (cb_.on_end) cb_.on_end();
}

bool HttpRequestParser::feed(std::string_view bytes) {
  if (state_ == State::kFailed) return false;
  if (state_ == State::kHalted) return true;
  buffer_.append(bytes);
  for (;;) {
    switch (state_) {
      case State::kHalted:
        buffer_.clear();
        return true;
      case State::kFailed:
        return false;
      case State::kHead: {
        if (buffer_.find("\r\n\r\n") == std::string::npos) {
          if (buffer_.size() > kMaxHeadBytes) return fail("request head too large");
          return true;
        }
        if (!parseHead()) return false;
        State next = request_.chunked ? State::kChunkSize : State::kBody;
        remaining_ = request_.content_length;
        state_ = next;
        if (cb_.on_head) cb_.on_head(request_);
        if (state_ == State::kBody && remaining_ == 0) finishRequest();
        continue;
      }
      case State::kBody: {
        if (buffer_.empty()) return true;
        size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, buffer_.size()));
        std::string piece = buffer_.substr(0, take);
        buffer_.erase(0, take);
        remaining_ -= take;
        if (cb_.on_body) cb_.on_body(piece);
        if (state_ == State::kBody && remaining_ == 0) finishRequest();
        continue;
      }
      case State::kChunkSize: {
        size_t eol = buffer_.find("\r\n");
        if (eol == std::string::npos) {
          if (buffer_.size() > 64) return fail("chunk size line too long");
          return true;
        }
        std::string_view line(buffer_.data(), eol);
        line = line.substr(0, line.find(';'));  // Chunk extensions are ignored.
        uint64_t size = 0;
        auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), size, 16);
        if (line.empty() || ec != std::errc{} || p != line.data() + line.size()) {
          return fail("bad chunk size");
        }
        buffer_.erase(0, eol + 2);
        remaining_ = size;
        state_ = size == 0 ? State::kTrailer : State::kChunkData;
        continue;
      }
      case State::kChunkData: {
        if (buffer_.empty()) return true;
        size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, buffer_.size()));
        std::string piece = buffer_.substr(0, take);
        buffer_.erase(0, take);
        remaining_ -= take;
        if (remaining_ == 0) state_ = State::kChunkDataEnd;
        if (cb_.on_body) cb_.on_body(piece);
        continue;
      }
      case State::kChunkDataEnd:
        if (buffer_.size() < 2) return true;
        if (buffer_.compare(0, 2, "\r\n") != 0) return fail("missing CRLF after chunk");
        buffer_.erase(0, 2);
        state_ = State::kChunkSize;
        continue;
      case State::kTrailer: {
        size_t eol = buffer_.find("\r\n");
        if (eol == std::string::npos) return true;
        buffer_.erase(0, eol + 2);
        if (eol == 0) finishRequest();  // Empty line: end of the trailer.
        continue;
      }
    }
  }
}

}  // namespace airlock::emulator
