// HttpServer / HttpConnection: a small HTTP/1.1 server on the libuv loop for
// the agent emulator. One request at a time per connection (libprocess
// answers pipelined requests in order too); responses are either whole (with
// Content-Length) or a chunked stream. Stream bytes are queued and flushed on
// the next loop turn, optionally re-chunked at random boundaries (spec
// section 7 item 19), so a client sees records split across chunks and many
// records per chunk. Loop thread only.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "http_parser.h"

namespace airlock::emulator {

class HttpConnection;

// The per-request side of a handler: lives until the response is complete or
// the connection closes, whichever is later... owned by its connection.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual void onBody(std::string_view /*bytes*/) {}
  virtual void onEnd() {}
  // The peer closed the connection (or it failed) while this request lived.
  virtual void onClosed() {}
};

using Headers = std::vector<std::pair<std::string, std::string>>;
using Dispatch = std::function<std::unique_ptr<RequestHandler>(HttpConnection&, const HttpRequest&)>;

struct HttpServerOptions {
  uint32_t rechunk_seed = 0;  // 0: one chunk per flush; otherwise random splits.
};

class HttpConnection {
 public:
  HttpConnection(uv_loop_t* loop, Dispatch& dispatch, const HttpServerOptions& options,
                 std::function<void(HttpConnection*)> on_gone);
  ~HttpConnection();
  uv_tcp_t* tcp() { return &tcp_; }
  void start();

  // A whole response. Closes the connection afterwards when the request body
  // has not ended (the rest of it cannot be skipped reliably).
  void respond(int status, const Headers& headers, std::string_view body);
  void startStream(int status, const Headers& headers);
  void sendChunk(std::string_view bytes);
  void endStream();
  // Bytes written to the socket but not yet sent (backpressure from the peer).
  size_t pendingBytes() const;
  void setOnDrained(std::function<void()> fn) { on_drained_ = std::move(fn); }
  void close();
  bool closed() const { return closing_; }
  // Stop / restart reading the request body (input backpressure).
  void pauseReading();
  void resumeReading();

 private:
  static void onUvRead(uv_stream_t* s, ssize_t n, const uv_buf_t* buf);
  static void onUvFlush(uv_timer_t* t);
  void write(std::string bytes);
  void flushChunks();
  void finishResponse();
  void endHandler();

  uv_loop_t* loop_;
  uv_tcp_t tcp_{};
  uv_timer_t flush_timer_{};
  int open_handles_ = 0;
  Dispatch& dispatch_;
  HttpServerOptions options_;
  std::mt19937 rng_;
  std::function<void(HttpConnection*)> on_gone_;
  std::function<void()> on_drained_;
  HttpRequestParser parser_;
  std::unique_ptr<RequestHandler> handler_;
  bool body_ended_ = false;
  bool responding_ = false;   // Head sent, stream not yet ended.
  bool response_done_ = false;
  bool close_after_ = false;
  bool closing_ = false;
  std::string pending_chunks_;
  size_t queued_bytes_ = 0;
};

class HttpServer {
 public:
  HttpServer(uv_loop_t* loop, Dispatch dispatch, HttpServerOptions options);
  ~HttpServer();
  // Binds 127.0.0.1:`port` (0 picks one); returns the bound port or -errno.
  int listen(uint16_t port);
  void closeAll();

 private:
  static void onUvConnection(uv_stream_t* server, int status);

  uv_loop_t* loop_;
  uv_tcp_t listener_{};
  bool listening_ = false;
  Dispatch dispatch_;
  HttpServerOptions options_;
  std::list<HttpConnection*> connections_;
};

std::string statusText(int status);

}  // namespace airlock::emulator
