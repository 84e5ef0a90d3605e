#include "session_client.h"

#include <gtest/gtest.h>

namespace airlock::testing {

client::Consume ChannelRecord::onStdout(uint32_t, std::span<const uint8_t> d) {
  received += d.size();
  if (sink) sink(d);
  else out.append(reinterpret_cast<const char*>(d.data()), d.size());
  return hold_output ? client::Consume::kHeld : client::Consume::kConsumed;
}

client::Consume ChannelRecord::onStderr(uint32_t, std::span<const uint8_t> d) {
  received += d.size();
  err.append(reinterpret_cast<const char*>(d.data()), d.size());
  return hold_output ? client::Consume::kHeld : client::Consume::kConsumed;
}

SessionClient::SessionClient(const std::string& url, size_t max_frame_bytes,
                             const std::string& authorization) {
  client::configureLwsLogging(false);
  uv_loop_init(&loop_);
  uv_timer_init(&loop_, &tick_);
  auto context = client::ClientContext::create(&loop_);
  if (!context) {
    ADD_FAILURE() << context.error().message;
    return;
  }
  context_ = std::move(*context);
  client::ConnectionOptions options;
  options.url = url;
  options.limits.max_frame_bytes = max_frame_bytes;
  options.authorization = authorization;
  auto connection = client::Connection::connect(*context_, options, *this);
  if (!connection) {
    ADD_FAILURE() << connection.error().message;
    return;
  }
  connection_ = std::move(*connection);
}

SessionClient::~SessionClient() {
  connection_.reset();
  context_.reset();
  uv_close(reinterpret_cast<uv_handle_t*>(&tick_), nullptr);
  // Bounded: lws closes its handles within a few iterations.
  for (int i = 0; i < 1000 && uv_run(&loop_, UV_RUN_NOWAIT) != 0; ++i) {
  }
  EXPECT_EQ(uv_loop_close(&loop_), 0);
}

ChannelRecord& SessionClient::open(const v1::Open& open, uint32_t* channel_out) {
  auto record = std::make_unique<ChannelRecord>();
  ChannelRecord& ref = *record;
  auto channel = connection_->openChannel(open, ref);
  if (!channel) {
    ADD_FAILURE() << channel.error().message;
    pending_.push_back(std::move(record));
    return ref;
  }
  if (channel_out != nullptr) *channel_out = *channel;
  channels_[*channel] = std::move(record);
  return ref;
}

bool SessionClient::run(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  uv_timer_start(&tick_, [](uv_timer_t*) {}, 20, 20);
  bool ok = true;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      ok = false;
      break;
    }
    uv_run(&loop_, UV_RUN_ONCE);
  }
  uv_timer_stop(&tick_);
  return ok;
}

void SessionClient::onDisconnected(const Result<void>& reason) {
  closed_ = true;
  close_reason_ = reason;
}

v1::Open makeOpen(std::vector<std::string> argv, bool tty, const std::string& target) {
  v1::Open open;
  open.set_target(target);
  for (auto& a : argv) open.add_argv(a);
  open.set_tty(tty);
  if (tty) {
    open.set_rows(24);
    open.set_cols(80);
  }
  return open;
}

}  // namespace airlock::testing
