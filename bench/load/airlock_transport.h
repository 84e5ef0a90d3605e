// `Transport` over airlockd's airlock.v1 protocol, using the client library.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "client/client_context.h"
#include "client/connection.h"
#include "transport.h"

namespace airlock::bench {

// Multiplexes up to `per_connection` live sessions on each WebSocket (a new
// connection is opened when all are full, or for every `fresh` session).
// Owned by `main`; loop thread only; must be destroyed before the
// `ClientContext` and after every handle it returned.
class AirlockTransport : public Transport {
 public:
  // One WebSocket and the number of live sessions on it.
  struct Link : client::ConnectionObserver {
    std::unique_ptr<client::Connection> connection;
    size_t live = 0;
    bool disconnected = false;
    std::string reason;
    void onDisconnected(const Result<void>& why) override;
  };

  AirlockTransport(client::ClientContext& context, std::string url, size_t per_connection,
                   ShellSpec spec, uint64_t window);
  ~AirlockTransport() override;

  std::string name() const override { return "airlock"; }
  std::unique_ptr<SessionHandle> open(SessionEvents& events, bool fresh) override;
  size_t connections() const override;

 private:
  std::unique_ptr<Link> connect();

  client::ClientContext& context_;
  std::string url_;
  size_t per_connection_;
  ShellSpec spec_;
  uint64_t window_;
  std::vector<std::unique_ptr<Link>> links_;
};

}  // namespace airlock::bench
