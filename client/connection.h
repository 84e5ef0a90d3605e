// One airlock.v1 WebSocket to the daemon, multiplexing session channels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>

#include "airlock/result.h"
#include "airlock_v1.pb.h"
#include "client/channel.h"
#include "client/channel_handler.h"
#include "client/client_context.h"
#include "client/connection_observer.h"
#include "client/message_assembler.h"
#include "client/outbox.h"
#include "frame.h"

struct lws;

namespace airlock::client {

struct ConnectionOptions {
  std::string url = "unix:/run/airlockd/airlockd.sock";
  // Value of an `Authorization` header sent with the upgrade; empty = none.
  std::string authorization;
  // `max_frame_bytes` bounds reassembly of incoming messages.
  proto::FrameLimits limits;
  // Bound of queued outgoing bytes; `sendStdin` accepts no more than fits.
  size_t max_queued_bytes = 1 << 20;
  size_t max_queued_frames = 4096;
  // STDIN is cut into frames of at most this many payload bytes.
  size_t max_stdin_frame_bytes = 64 * 1024;
  // Outstanding LIST requests.
  size_t max_pending_lists = 64;
};

// A client connection to airlockd: the WebSocket (lws client on the
// `ClientContext`'s uv loop) and the channels opened on it. Outgoing frames go
// through a bounded `Outbox` and are written only when lws reports the socket
// writable; incoming fragments are reassembled (bounded) and dispatched to
// each channel's `ChannelHandler`. Output credit is re-granted as handlers
// consume (see `Consume`). Owned by its user (CLI, test, bench); loop thread
// only; must be destroyed before its `ClientContext` and never from inside
// one of its own callbacks.
class Connection {
 public:
  enum class State { kConnecting, kOpen, kClosing, kClosed };
  using ListCallback = std::function<void(Result<v1::Sessions>)>;
  using DecisionCallback = std::function<void(Result<v1::Decision>)>;
  using DelegationCallback = std::function<void(Result<v1::DelegationToken>)>;

  // Starts connecting; `observer` hears the outcome. Fails synchronously only
  // for a bad URL or when lws refuses the connect attempt outright.
  static Result<std::unique_ptr<Connection>> connect(ClientContext& context,
                                                     ConnectionOptions options,
                                                     ConnectionObserver& observer);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  State state() const { return state_; }

  // Sends OPEN on a new channel (1, 2, 3, ...; never reused) and returns it.
  // May be called while still connecting. `handler` must stay alive until
  // the channel's terminal callback or `closeChannel`. `open.window == 0`
  // keeps the daemon's default output window.
  Result<uint32_t> openChannel(const v1::Open& open, ChannelHandler& handler);
  // Queues as much of `data` as the STDIN credit and the outbox allow;
  // returns how many bytes were taken. The rest must be offered again after
  // the next `onCredit`.
  size_t sendStdin(uint32_t channel, std::span<const uint8_t> data);
  uint64_t stdinCredit(uint32_t channel) const;
  Result<void> closeStdin(uint32_t channel);
  Result<void> resize(uint32_t channel, uint32_t rows, uint32_t cols);
  // Acknowledges output bytes a handler held (`Consume::kHeld`): that much
  // credit goes back to the daemon.
  void acknowledge(uint32_t channel, uint64_t bytes);
  // Grants output credit beyond what was consumed (tests, bigger windows).
  Result<void> grantCredit(uint32_t channel, uint64_t bytes);
  // Sends CLOSE; the handler hears nothing more from this channel.
  Result<void> closeChannel(uint32_t channel);
  // Sends LIST; `done` gets the daemon's SESSIONS, or an error if the
  // connection ends first.
  Result<void> listSessions(ListCallback done);
  // Sends CAN_I (its request_id is set here); `done` gets the DECISION, or
  // an error if the connection ends first.
  Result<void> canI(v1::CanI question, DecisionCallback done);
  // Sends DELEGATE (its request_id is set here); `done` gets the daemon's
  // DELEGATION (a token or a refusal), or an error if the connection ends first.
  Result<void> delegate(v1::Delegate ask, DelegationCallback done);
  Result<void> ping(std::span<const uint8_t> payload);
  // Queues arbitrary bytes as one binary message (protocol tests only).
  Result<void> sendRawFrame(std::span<const uint8_t> frame);
  // Flushes what is queued, then closes the WebSocket (status 1000).
  void close();

  // The lws protocol callback of the `ClientContext` lands here.
  int onLwsEvent(lws* wsi, int reason, void* in, size_t len);

 private:
  Connection(ConnectionOptions options, ConnectionObserver& observer);

  Result<void> startConnect(ClientContext& context);
  void appendHandshakeHeaders(void* in, size_t len);
  int onReceive(lws* wsi, const void* in, size_t len);
  int onWritable();
  void onClosedByLws(const Result<void>& reason);

  // Dispatch of one decoded frame (R20); a non-ok result closes the connection.
  Result<void> dispatch(const proto::Frame& frame);
  Result<void> handleOpened(const proto::Frame& frame);
  Result<void> handleOutput(const proto::Frame& frame);
  Result<void> handleExit(const proto::Frame& frame);
  Result<void> handleError(const proto::Frame& frame);
  Result<void> handleCredit(const proto::Frame& frame);
  Result<void> handlePing(const proto::Frame& frame);
  Result<void> handlePong(const proto::Frame& frame);
  Result<void> handleSessions(const proto::Frame& frame);
  Result<void> handleDecision(const proto::Frame& frame);
  Result<void> handleDelegation(const proto::Frame& frame);

  Result<void> queue(Outbox::Lane lane, proto::FrameType type, uint32_t channel,
                     const google::protobuf::MessageLite& msg);
  Result<void> queue(Outbox::Lane lane, proto::FrameType type, uint32_t channel,
                     std::span<const uint8_t> payload = {});
  void requestWrite();
  void flushGrants();
  void notifyStdinSpace();
  Channel* findChannel(uint32_t channel);
  // Ends `channel` with `error` (its terminal callback) and frees it.
  void failChannel(uint32_t channel, const Error& error);
  // Ends the connection: fails every channel and LIST, then tells the observer.
  void finish(const Result<void>& reason);

  ConnectionOptions options_;
  ConnectionObserver& observer_;
  State state_ = State::kConnecting;
  lws* wsi_ = nullptr;
  bool connecting_now_ = false;     // Inside `lws_client_connect_via_info`.
  std::optional<Error> failure_;    // First reason the connection is ending.
  MessageAssembler assembler_;
  Outbox outbox_;
  std::map<uint32_t, Channel> channels_;
  std::map<uint32_t, uint64_t> pending_grants_;
  std::deque<ListCallback> pending_lists_;
  std::map<uint32_t, DecisionCallback> pending_decisions_;  // By request id.
  std::map<uint32_t, DelegationCallback> pending_delegations_;  // By request id.
  uint32_t next_request_id_ = 1;
  uint32_t next_channel_ = 1;
};

}  // namespace airlock::client
