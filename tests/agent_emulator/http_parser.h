// HttpRequestParser: a sans-I/O HTTP/1.1 request parser for the agent
// emulator (style R5). Feed it bytes; it reports the request head once, then
// body bytes as they arrive (Content-Length or chunked, de-chunked), then the
// end of the body, and is ready for the next request on the connection.
// Limits: head 64 KiB, chunk-size line 64 bytes; a violation latches an error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace airlock::emulator {

struct HttpRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // Names lower-cased.
  bool chunked = false;
  uint64_t content_length = 0;

  std::optional<std::string> header(const std::string& lower_name) const;
};

class HttpRequestParser {
 public:
  static constexpr size_t kMaxHeadBytes = 64 * 1024;

  struct Callbacks {
    std::function<void(const HttpRequest&)> on_head;
    std::function<void(std::string_view)> on_body;
    std::function<void()> on_end;
  };

  explicit HttpRequestParser(Callbacks callbacks) : cb_(std::move(callbacks)) {}

  // Returns false once the request stream is malformed (see `error()`).
  bool feed(std::string_view bytes);
  // Stop parsing (e.g. the handler answered and will close): later bytes are
  // ignored.
  void halt() { state_ = State::kHalted; }
  const std::string& error() const { return error_; }

 private:
  enum class State { kHead, kBody, kChunkSize, kChunkData, kChunkDataEnd, kTrailer, kHalted, kFailed };
  bool fail(std::string message);
  bool parseHead();
  void finishRequest();

  Callbacks cb_;
  State state_ = State::kHead;
  std::string buffer_;
  HttpRequest request_;
  uint64_t remaining_ = 0;
  std::string error_;
};

}  // namespace airlock::emulator
