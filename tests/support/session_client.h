// SessionClient: the airlock client library driven synchronously by a test.
// It owns a uv loop, a ClientContext and one Connection; `run` turns the loop
// until a condition holds or a deadline passes. Channels record everything
// they receive. Test thread only.
#pragma once

#include <uv.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "client/client_context.h"
#include "client/connection.h"

namespace airlock::testing {

struct ChannelRecord : client::ChannelHandler {
  std::optional<v1::Opened> opened;
  std::string out;
  std::string err;
  std::optional<v1::Exit> exit;
  std::optional<Error> error;
  uint64_t stdin_available = 0;
  bool hold_output = false;  // Never give credit back: a stalled reader.
  size_t received = 0;

  bool done() const { return exit.has_value() || error.has_value(); }
  void onOpened(uint32_t, const v1::Opened& o) override { opened = o; }
  client::Consume onStdout(uint32_t, std::span<const uint8_t> d) override;
  client::Consume onStderr(uint32_t, std::span<const uint8_t> d) override;
  void onCredit(uint32_t, uint64_t available) override { stdin_available = available; }
  void onExit(uint32_t, const v1::Exit& e) override { exit = e; }
  void onError(uint32_t, const Error& e) override { error = e; }
  // Called on every output chunk; lets a test hash instead of storing.
  std::function<void(std::span<const uint8_t>)> sink;
};

class SessionClient : public client::ConnectionObserver {
 public:
  // `authorization`: the value of the upgrade's Authorization header, if any.
  explicit SessionClient(const std::string& url, size_t max_frame_bytes = 1 << 20,
                         const std::string& authorization = {});
  ~SessionClient() override;

  client::Connection& connection() { return *connection_; }
  // Opens a channel with a recorder owned by this client.
  ChannelRecord& open(const v1::Open& open, uint32_t* channel_out = nullptr);
  // Turns the loop until `done()` or the timeout; returns `done()`.
  bool run(const std::function<bool()>& done, std::chrono::milliseconds timeout);
  bool closed() const { return closed_; }
  // Why the connection ended (when `closed()`).
  const Result<void>& closeReason() const { return close_reason_; }

  // client::ConnectionObserver
  void onConnected() override {}
  void onDisconnected(const Result<void>& reason) override;

 private:
  uv_loop_t loop_;
  uv_timer_t tick_;  // Wakes `run` so its deadline is checked.
  std::unique_ptr<client::ClientContext> context_;
  std::unique_ptr<client::Connection> connection_;
  std::map<uint32_t, std::unique_ptr<ChannelRecord>> channels_;
  std::vector<std::unique_ptr<ChannelRecord>> pending_;
  bool closed_ = false;
  Result<void> close_reason_;
};

v1::Open makeOpen(std::vector<std::string> argv, bool tty = false, const std::string& target = "host");

}  // namespace airlock::testing
