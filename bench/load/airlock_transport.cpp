#include "airlock_transport.h"

#include <cstdio>

namespace airlock::bench {
namespace {

// One session channel; holds keystrokes until the daemon grants STDIN credit.
class AirlockSession : public SessionHandle, public client::ChannelHandler {
 public:
  AirlockSession(SessionEvents& events, AirlockTransport::Link& link,
                 std::unique_ptr<AirlockTransport::Link> owned)
      : events_(events), link_(link), owned_(std::move(owned)) {}
  ~AirlockSession() override { close(); }

  bool start(const v1::Open& open) {
    auto channel = link_.connection->openChannel(open, *this);
    if (!channel) {
      ended_ = true;
      events_.onEnded(channel.error().message);
      return false;
    }
    channel_ = *channel;
    ++link_.live;
    return true;
  }

  // SessionHandle
  void send(std::string_view bytes) override {
    pending_.append(bytes);
    flush();
  }
  void close() override {
    if (closed_) return;
    closed_ = true;
    if (!ended_ && channel_ != 0) {
      (void)link_.connection->closeChannel(channel_);
      release();
    }
    if (owned_) owned_->connection->close();
  }
  bool closeDone() const override { return closed_ && (!owned_ || owned_->disconnected); }

  // client::ChannelHandler
  void onOpened(uint32_t, const v1::Opened&) override {
    opened_ = true;
    flush();
  }
  client::Consume onStdout(uint32_t, std::span<const uint8_t> data) override {
    events_.onOutput(data);
    return client::Consume::kConsumed;
  }
  client::Consume onStderr(uint32_t, std::span<const uint8_t> data) override {
    events_.onOutput(data);
    return client::Consume::kConsumed;
  }
  void onCredit(uint32_t, uint64_t) override { flush(); }
  void onExit(uint32_t, const v1::Exit& exit) override {
    end("exited with code " + std::to_string(exit.exit_code()));
  }
  void onError(uint32_t, const Error& error) override { end(error.message); }

 private:
  void flush() {
    if (!opened_ || ended_ || closed_ || pending_.empty()) return;
    size_t taken = link_.connection->sendStdin(
        channel_, {reinterpret_cast<const uint8_t*>(pending_.data()), pending_.size()});
    pending_.erase(0, taken);
  }
  void end(const std::string& why) {
    ended_ = true;
    release();
    events_.onEnded(why);
  }
  void release() {
    if (link_.live > 0) --link_.live;
  }

  SessionEvents& events_;
  AirlockTransport::Link& link_;
  std::unique_ptr<AirlockTransport::Link> owned_;  // Set for `fresh` sessions.
  uint32_t channel_ = 0;
  bool opened_ = false;
  bool ended_ = false;
  bool closed_ = false;
  std::string pending_;
};

}  // namespace

void AirlockTransport::Link::onDisconnected(const Result<void>& why) {
  disconnected = true;
  if (!why) reason = why.error().message;
}

AirlockTransport::AirlockTransport(client::ClientContext& context, std::string url,
                                   size_t per_connection, ShellSpec spec, uint64_t window)
    : context_(context),
      url_(std::move(url)),
      per_connection_(per_connection == 0 ? 1 : per_connection),
      spec_(std::move(spec)),
      window_(window) {}

AirlockTransport::~AirlockTransport() = default;

std::unique_ptr<AirlockTransport::Link> AirlockTransport::connect() {
  auto link = std::make_unique<Link>();
  client::ConnectionOptions options;
  options.url = url_;
  auto connection = client::Connection::connect(context_, options, *link);
  if (!connection) {
    std::fprintf(stderr, "airlock-bench: connect %s: %s\n", url_.c_str(),
                 connection.error().message.c_str());
    return nullptr;
  }
  link->connection = std::move(*connection);
  return link;
}

std::unique_ptr<SessionHandle> AirlockTransport::open(SessionEvents& events, bool fresh) {
  v1::Open open;
  open.set_target("host");
  for (const auto& arg : spec_.argv) open.add_argv(arg);
  for (const auto& [name, value] : spec_.env) (*open.mutable_env())[name] = value;
  open.set_tty(true);
  open.set_rows(spec_.rows);
  open.set_cols(spec_.cols);
  open.set_window(window_);

  std::unique_ptr<Link> owned;
  Link* link = nullptr;
  if (fresh) {
    owned = connect();
    link = owned.get();
  } else {
    for (auto& candidate : links_) {
      if (!candidate->disconnected && candidate->live < per_connection_) {
        link = candidate.get();
        break;
      }
    }
    if (link == nullptr) {
      auto made = connect();
      if (made) {
        links_.push_back(std::move(made));
        link = links_.back().get();
      }
    }
  }
  if (link == nullptr) {
    events.onEnded("cannot connect");
    return nullptr;
  }
  auto session = std::make_unique<AirlockSession>(events, *link, std::move(owned));
  if (!session->start(open)) return nullptr;
  return session;
}

size_t AirlockTransport::connections() const {
  size_t n = 0;
  for (const auto& link : links_) n += link->disconnected ? 0 : 1;
  return n;
}

}  // namespace airlock::bench
