#include "http_server.h"

#include <ctime>

namespace airlock::emulator {
namespace {

struct WriteReq {
  uv_write_t req;
  std::string bytes;
  HttpConnection* conn;
};

std::string httpDate() {
  char buf[64];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::string head(int status, const Headers& headers) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + statusText(status) + "\r\n";
  out += "Date: " + httpDate() + "\r\n";
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  return out;
}

}  // namespace

std::string statusText(int status) {
  switch (status) {
    case 200: return "OK";
    case 202: return "Accepted";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 409: return "Conflict";
    case 415: return "Unsupported Media Type";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

HttpConnection::HttpConnection(uv_loop_t* loop, Dispatch& dispatch,
                               const HttpServerOptions& options,
                               std::function<void(HttpConnection*)> on_gone)
    : loop_(loop),
      dispatch_(dispatch),
      options_(options),
      rng_(options.rechunk_seed),
      on_gone_(std::move(on_gone)),
      parser_({[this](const HttpRequest& r) {
                 body_ended_ = false;
                 response_done_ = false;
                 handler_ = dispatch_(*this, r);
               },
               [this](std::string_view b) {
                 if (handler_) handler_->onBody(b);
               },
               [this] {
                 body_ended_ = true;
                 if (handler_) handler_->onEnd();
                 if (response_done_) endHandler();
               }}) {
  uv_tcp_init(loop, &tcp_);
  uv_timer_init(loop, &flush_timer_);
  tcp_.data = this;
  flush_timer_.data = this;
  open_handles_ = 2;
}

HttpConnection::~HttpConnection() = default;

void HttpConnection::pauseReading() {
  if (!closing_) uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
}

void HttpConnection::resumeReading() {
  if (!closing_) start();
}

void HttpConnection::start() {
  uv_read_start(
      reinterpret_cast<uv_stream_t*>(&tcp_),
      [](uv_handle_t*, size_t suggested, uv_buf_t* buf) {
        buf->base = new char[suggested];
        buf->len = suggested;
      },
      onUvRead);
}

void HttpConnection::onUvRead(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  auto* self = static_cast<HttpConnection*>(s->data);
  std::unique_ptr<char[]> owned(buf->base);
  if (n == 0) return;
  if (n < 0) {
    self->close();
    return;
  }
  if (!self->parser_.feed(std::string_view(buf->base, static_cast<size_t>(n)))) {
    if (!self->responding_) {
      self->close_after_ = true;
      self->respond(400, {{"Content-Type", "text/plain; charset=utf-8"}}, self->parser_.error());
    } else {
      self->close();
    }
  }
}

void HttpConnection::write(std::string bytes) {
  if (closing_ || bytes.empty()) return;
  auto* w = new WriteReq{{}, std::move(bytes), this};
  uv_buf_t buf = uv_buf_init(w->bytes.data(), static_cast<unsigned>(w->bytes.size()));
  queued_bytes_ += w->bytes.size();
  w->req.data = w;
  int rc = uv_write(&w->req, reinterpret_cast<uv_stream_t*>(&tcp_), &buf, 1,
                    [](uv_write_t* req, int status) {
                      auto* w = static_cast<WriteReq*>(req->data);
                      std::unique_ptr<WriteReq> owned(w);
                      if (status == UV_ECANCELED) return;  // The connection is going away.
                      HttpConnection* c = w->conn;
                      c->queued_bytes_ -= w->bytes.size();
                      if (status < 0) {
                        c->close();
                        return;
                      }
                      if (c->on_drained_) c->on_drained_();
                    });
  if (rc != 0) {
    queued_bytes_ -= w->bytes.size();
    delete w;
    close();
  }
}

size_t HttpConnection::pendingBytes() const { return queued_bytes_ + pending_chunks_.size(); }

void HttpConnection::respond(int status, const Headers& headers, std::string_view body) {
  if (closing_) return;
  if (!body_ended_) close_after_ = true;
  std::string out = head(status, headers);
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  if (close_after_) out += "Connection: close\r\n";
  out += "\r\n";
  out.append(body);
  write(std::move(out));
  finishResponse();
}

void HttpConnection::startStream(int status, const Headers& headers) {
  std::string out = head(status, headers);
  out += "Transfer-Encoding: chunked\r\n\r\n";
  write(std::move(out));
  responding_ = true;
}

void HttpConnection::sendChunk(std::string_view bytes) {
  if (!responding_ || closing_ || bytes.empty()) return;
  pending_chunks_.append(bytes);
  if (!uv_is_active(reinterpret_cast<uv_handle_t*>(&flush_timer_))) {
    uv_timer_start(&flush_timer_, onUvFlush, 0, 0);
  }
}

void HttpConnection::onUvFlush(uv_timer_t* t) {
  static_cast<HttpConnection*>(t->data)->flushChunks();
}

void HttpConnection::flushChunks() {
  std::string out;
  std::string_view rest = pending_chunks_;
  while (!rest.empty()) {
    size_t n = rest.size();
    if (options_.rechunk_seed != 0) {
      n = std::uniform_int_distribution<size_t>(1, rest.size())(rng_);
    }
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", n);
    out += size;
    out.append(rest.substr(0, n));
    out += "\r\n";
    rest.remove_prefix(n);
  }
  pending_chunks_.clear();
  write(std::move(out));
}

void HttpConnection::endStream() {
  if (!responding_ || closing_) return;
  flushChunks();
  uv_timer_stop(&flush_timer_);
  write("0\r\n\r\n");
  responding_ = false;
  finishResponse();
}

void HttpConnection::finishResponse() {
  response_done_ = true;
  if (close_after_) {
    // Let the queued writes go out first: uv_shutdown waits for them.
    auto* req = new uv_shutdown_t{};
    req->data = this;
    parser_.halt();
    if (uv_shutdown(req, reinterpret_cast<uv_stream_t*>(&tcp_), [](uv_shutdown_t* r, int status) {
          auto* c = static_cast<HttpConnection*>(r->data);
          delete r;
          if (status != UV_ECANCELED) c->close();
        }) != 0) {
      delete req;
      close();
    }
    return;
  }
  if (body_ended_) endHandler();
}

void HttpConnection::endHandler() {
  // The handler may be the caller (respond from inside it): free it later.
  if (!handler_) return;
  auto* doomed = handler_.release();
  struct Later {
    uv_timer_t timer;
    RequestHandler* handler;
  };
  auto* later = new Later{{}, doomed};
  uv_timer_init(loop_, &later->timer);
  later->timer.data = later;
  uv_timer_start(&later->timer, [](uv_timer_t* t) {
    uv_close(reinterpret_cast<uv_handle_t*>(t), [](uv_handle_t* h) {
      auto* l = static_cast<Later*>(h->data);
      delete l->handler;
      delete l;
    });
  }, 0, 0);
}

void HttpConnection::close() {
  if (closing_) return;
  closing_ = true;
  parser_.halt();
  if (handler_) {
    auto handler = std::move(handler_);
    handler->onClosed();
  }
  auto done = [](uv_handle_t* h) {
    auto* c = static_cast<HttpConnection*>(h->data);
    if (--c->open_handles_ == 0) {
      auto gone = std::move(c->on_gone_);
      gone(c);
    }
  };
  uv_close(reinterpret_cast<uv_handle_t*>(&flush_timer_), done);
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), done);
}

HttpServer::HttpServer(uv_loop_t* loop, Dispatch dispatch, HttpServerOptions options)
    : loop_(loop), dispatch_(std::move(dispatch)), options_(options) {}

HttpServer::~HttpServer() = default;

int HttpServer::listen(uint16_t port) {
  uv_tcp_init(loop_, &listener_);
  listener_.data = this;
  listening_ = true;
  sockaddr_in addr{};
  uv_ip4_addr("127.0.0.1", port, &addr);
  if (int rc = uv_tcp_bind(&listener_, reinterpret_cast<sockaddr*>(&addr), 0); rc != 0) return rc;
  if (int rc = uv_listen(reinterpret_cast<uv_stream_t*>(&listener_), 128, onUvConnection); rc != 0) {
    return rc;
  }
  sockaddr_storage bound{};
  int len = sizeof bound;
  uv_tcp_getsockname(&listener_, reinterpret_cast<sockaddr*>(&bound), &len);
  return ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
}

void HttpServer::onUvConnection(uv_stream_t* server, int status) {
  auto* self = static_cast<HttpServer*>(server->data);
  if (status < 0) return;
  auto* conn = new HttpConnection(self->loop_, self->dispatch_, self->options_,
                                  [self](HttpConnection* c) {
                                    self->connections_.remove(c);
                                    delete c;
                                  });
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(conn->tcp())) != 0) {
    conn->close();
    return;
  }
  uv_tcp_nodelay(conn->tcp(), 1);
  self->connections_.push_back(conn);
  conn->start();
}

void HttpServer::closeAll() {
  if (listening_) {
    uv_close(reinterpret_cast<uv_handle_t*>(&listener_), nullptr);
    listening_ = false;
  }
  auto copy = connections_;
  for (auto* c : copy) c->close();
}

}  // namespace airlock::emulator
