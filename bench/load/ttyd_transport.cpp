#include "ttyd_transport.h"

#include <libwebsockets.h>

#include <cstdio>
#include <deque>
#include <vector>

namespace airlock::bench {
namespace {

// ttyd's commands: the first byte of every binary message (peers.md 2).
constexpr char kInput = '0';
constexpr char kOutput = '0';

class TtydSession : public SessionHandle {
 public:
  TtydSession(TtydTransport& transport, SessionEvents& events, const ShellSpec& spec)
      : transport_(transport), events_(events) {
    // The first message starts the process; no token without `-c`.
    queue("{\"AuthToken\":\"\",\"columns\":" + std::to_string(spec.cols) +
          ",\"rows\":" + std::to_string(spec.rows) + "}");
  }
  ~TtydSession() override {
    close();
    if (wsi_ != nullptr) lws_set_opaque_user_data(wsi_, nullptr);
  }

  bool start(lws_context* context, const std::string& host, int port, const std::string& path) {
    lws_client_connect_info info{};
    info.context = context;
    info.address = host.c_str();
    info.port = port;
    info.path = path.c_str();
    info.host = host.c_str();
    info.origin = host.c_str();
    info.protocol = "tty";
    info.opaque_user_data = this;
    info.pwsi = &wsi_;
    if (lws_client_connect_via_info(&info) == nullptr) {
      wsi_ = nullptr;
      done_ = true;
      events_.onEnded("lws refused the connect");
      return false;
    }
    ++transport_.live_;
    counted_ = true;
    return true;
  }

  void send(std::string_view bytes) override {
    if (done_) return;
    std::string message(1, kInput);
    message.append(bytes);
    queue(std::move(message));
  }
  void close() override {
    if (closing_ || done_) return;
    closing_ = true;
    if (wsi_ != nullptr) lws_callback_on_writable(wsi_);
  }
  bool closeDone() const override { return done_; }

  int onLwsEvent(lws* wsi, int reason, void* in, size_t len) {
    switch (reason) {
      case LWS_CALLBACK_CLIENT_ESTABLISHED:
        established_ = true;
        lws_callback_on_writable(wsi);
        return 0;
      case LWS_CALLBACK_CLIENT_RECEIVE:
        onReceive(wsi, static_cast<const uint8_t*>(in), len);
        return 0;
      case LWS_CALLBACK_CLIENT_WRITEABLE:
        return onWritable(wsi);
      case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        finish(std::string("connect failed: ") + (in ? static_cast<const char*>(in) : "?"));
        return 0;
      case LWS_CALLBACK_CLIENT_CLOSED:
        finish("closed by ttyd");
        return 0;
      default:
        return 0;
    }
  }

 private:
  void queue(std::string message) {
    std::vector<uint8_t> buf(LWS_PRE + message.size());
    std::copy(message.begin(), message.end(), buf.begin() + LWS_PRE);
    out_.push_back(std::move(buf));
    if (established_ && wsi_ != nullptr) lws_callback_on_writable(wsi_);
  }

  void onReceive(lws* wsi, const uint8_t* data, size_t len) {
    if (lws_is_first_fragment(wsi)) {
      if (len == 0) return;
      command_ = static_cast<char>(data[0]);
      ++data;
      --len;
    }
    if (command_ == kOutput && len > 0 && !closing_) events_.onOutput({data, len});
  }

  int onWritable(lws* wsi) {
    if (closing_) {
      lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, nullptr, 0);
      return -1;
    }
    if (out_.empty()) return 0;
    auto& buf = out_.front();
    size_t len = buf.size() - LWS_PRE;
    if (lws_write(wsi, buf.data() + LWS_PRE, len, LWS_WRITE_BINARY) < static_cast<int>(len)) {
      return -1;
    }
    out_.pop_front();
    if (!out_.empty()) lws_callback_on_writable(wsi);
    return 0;
  }

  void finish(const std::string& why) {
    if (done_) return;
    done_ = true;
    wsi_ = nullptr;
    if (counted_ && transport_.live_ > 0) --transport_.live_;
    if (!closing_) events_.onEnded(why);
  }

  TtydTransport& transport_;
  SessionEvents& events_;
  lws* wsi_ = nullptr;
  bool established_ = false;
  bool closing_ = false;
  bool done_ = false;
  bool counted_ = false;
  char command_ = 0;
  std::deque<std::vector<uint8_t>> out_;
};

int onLwsCallback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len) {
  auto* session = wsi ? static_cast<TtydSession*>(lws_get_opaque_user_data(wsi)) : nullptr;
  if (session != nullptr) return session->onLwsEvent(wsi, reason, in, len);
  switch (reason) {
    case LWS_CALLBACK_CLIENT_WRITEABLE:
    case LWS_CALLBACK_CLIENT_RECEIVE:
      return -1;  // Its session is gone: close it.
    default:
      return lws_callback_http_dummy(wsi, reason, user, in, len);
  }
}

const lws_protocols kProtocols[] = {
    {"tty", onLwsCallback, 0, 64 * 1024, 0, nullptr, 0},
    {nullptr, nullptr, 0, 0, 0, nullptr, 0},
};

}  // namespace

std::unique_ptr<TtydTransport> TtydTransport::create(uv_loop_t* loop, std::string host, int port,
                                                     std::string path, ShellSpec spec) {
  std::unique_ptr<TtydTransport> transport(new TtydTransport());
  lws_context_creation_info info{};
  void* foreign_loops[1] = {loop};
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = kProtocols;
  info.options = LWS_SERVER_OPTION_LIBUV;
  info.foreign_loops = foreign_loops;
  info.gid = -1;
  info.uid = -1;
  transport->lws_ = lws_create_context(&info);
  if (transport->lws_ == nullptr) return nullptr;
  transport->loop_ = loop;
  transport->host_ = std::move(host);
  transport->port_ = port;
  transport->path_ = std::move(path);
  transport->spec_ = std::move(spec);
  return transport;
}

TtydTransport::~TtydTransport() {
  if (lws_ == nullptr) return;
  // Two-phase teardown of a foreign-loop lws context, as in client_context.cpp.
  lws_context_destroy(lws_);
  for (int spin = 0; spin < 10000; ++spin) {
    int closing = 0;
    uv_walk(
        loop_, [](uv_handle_t* h, void* arg) { *static_cast<int*>(arg) += uv_is_closing(h); },
        &closing);
    if (closing == 0) break;
    uv_run(loop_, UV_RUN_NOWAIT);
  }
  lws_context_destroy(lws_);
}

std::unique_ptr<SessionHandle> TtydTransport::open(SessionEvents& events, bool) {
  auto session = std::make_unique<TtydSession>(*this, events, spec_);
  if (!session->start(lws_, host_, port_, path_)) return nullptr;
  return session;
}

}  // namespace airlock::bench
