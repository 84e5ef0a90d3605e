#include "client/connection.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include <libwebsockets.h>

#include "client/ws_url.h"

namespace airlock::client {
namespace {

using proto::FrameType;

constexpr size_t kMaxPingBytes = 125;

Error notOpen(uint32_t channel) {
  return Error{"channel " + std::to_string(channel) + " is not open", v1::UNKNOWN_CHANNEL};
}

}  // namespace

Connection::Connection(ConnectionOptions options, ConnectionObserver& observer)
    : options_(std::move(options)),
      observer_(observer),
      assembler_(options_.limits.max_frame_bytes),
      outbox_(LWS_PRE, options_.max_queued_bytes, options_.max_queued_frames) {
  size_t frame_room = options_.limits.max_frame_bytes - proto::kHeaderBytes;
  options_.max_stdin_frame_bytes = std::clamp<size_t>(options_.max_stdin_frame_bytes, 1, frame_room);
}

Result<std::unique_ptr<Connection>> Connection::connect(ClientContext& context,
                                                        ConnectionOptions options,
                                                        ConnectionObserver& observer) {
  std::unique_ptr<Connection> connection(new Connection(std::move(options), observer));
  if (auto started = connection->startConnect(context); !started) return started.error();
  return connection;
}

Result<void> Connection::startConnect(ClientContext& context) {
  auto url = parseWsUrl(options_.url);
  if (!url) return url.error();
  if (!options_.authorization.empty() && url->unix_path.empty() && !url->secure &&
      !isLoopbackHost(url->host)) {
    return Error{"refusing to send a token in clear text to " + url->host +
                 ": use wss:// (or the daemon's Unix socket)"};
  }
  std::string host_header =
      url->unix_path.empty() ? url->host + ":" + std::to_string(url->port) : "localhost";
  // lws connects to a Unix socket when the address starts with '+'.
  std::string address = url->unix_path.empty() ? url->host : "+" + url->unix_path;
  lws_client_connect_info info{};
  info.context = context.lws();
  info.address = address.c_str();
  info.port = url->port;
  info.ssl_connection = url->secure ? LCCSCF_USE_SSL : 0;
  info.path = url->path.c_str();
  info.host = host_header.c_str();
  // No Origin: the CLI is not a web page, and the daemon refuses origins it
  // was not told to trust.
  info.origin = nullptr;
  info.protocol = "airlock.v1";
  info.local_protocol_name = "airlock.v1";
  info.ietf_version_or_minus_one = -1;
  info.opaque_user_data = this;
  info.pwsi = &wsi_;
  // lws may report a failure from inside this call; keep it for our caller
  // instead of calling the observer before it even has the `Connection`.
  connecting_now_ = true;
  lws* wsi = lws_client_connect_via_info(&info);
  connecting_now_ = false;
  if (wsi == nullptr || failure_) {
    wsi_ = nullptr;
    state_ = State::kClosed;
    return failure_ ? *failure_ : Error{"cannot connect to " + options_.url};
  }
  wsi_ = wsi;
  return {};
}

Connection::~Connection() {
  if (wsi_ == nullptr) return;
  // Detach (R10/R11): the wsi outlives us briefly; with no owner its
  // callbacks just close it.
  lws_set_opaque_user_data(wsi_, nullptr);
  lws_set_timeout(wsi_, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
  wsi_ = nullptr;
}

// Public API --------------------------------------------------------------------

Result<uint32_t> Connection::openChannel(const v1::Open& open, ChannelHandler& handler) {
  if (state_ != State::kConnecting && state_ != State::kOpen) {
    return Error{"the connection to the daemon is closed", v1::SESSION_LOST};
  }
  if (auto valid = proto::validateOpen(open, options_.limits); !valid) return valid.error();
  uint32_t channel = next_channel_;
  if (auto queued = queue(Outbox::Lane::kOrdered, FrameType::kOpen, channel, open); !queued) {
    return queued.error();
  }
  ++next_channel_;
  Channel& state = channels_[channel];
  state.handler = &handler;
  if (open.window() != 0) state.output_credit = open.window();
  return channel;
}

size_t Connection::sendStdin(uint32_t channel, std::span<const uint8_t> data) {
  Channel* state = findChannel(channel);
  if (state == nullptr || state->stdin_closed || state_ != State::kOpen) return 0;
  size_t taken = 0;
  while (taken < data.size()) {
    size_t room = std::min<uint64_t>(state->stdin_credit, outbox_.dataSpace());
    size_t chunk = std::min({data.size() - taken, room, options_.max_stdin_frame_bytes});
    if (chunk == 0) break;
    if (!outbox_.push(Outbox::Lane::kOrdered, FrameType::kStdin, channel,
                      data.subspan(taken, chunk))) {
      break;
    }
    state->stdin_credit -= chunk;
    taken += chunk;
  }
  if (taken < data.size() && state->stdin_credit > 0) state->wants_stdin_space = true;
  if (taken > 0) requestWrite();
  return taken;
}

uint64_t Connection::stdinCredit(uint32_t channel) const {
  auto it = channels_.find(channel);
  return it == channels_.end() || it->second.stdin_closed ? 0 : it->second.stdin_credit;
}

Result<void> Connection::closeStdin(uint32_t channel) {
  Channel* state = findChannel(channel);
  if (state == nullptr) return notOpen(channel);
  if (state->stdin_closed) return {};
  if (auto queued = queue(Outbox::Lane::kOrdered, FrameType::kCloseStdin, channel); !queued) {
    return queued;
  }
  state->stdin_closed = true;
  return {};
}

Result<void> Connection::resize(uint32_t channel, uint32_t rows, uint32_t cols) {
  if (findChannel(channel) == nullptr) return notOpen(channel);
  v1::Resize resize;
  resize.set_rows(rows);
  resize.set_cols(cols);
  if (auto valid = proto::validateResize(resize, options_.limits); !valid) return valid;
  return queue(Outbox::Lane::kOrdered, FrameType::kResize, channel, resize);
}

void Connection::acknowledge(uint32_t channel, uint64_t bytes) {
  if (bytes == 0 || findChannel(channel) == nullptr) return;
  pending_grants_[channel] += bytes;
  requestWrite();
}

Result<void> Connection::grantCredit(uint32_t channel, uint64_t bytes) {
  if (findChannel(channel) == nullptr) return notOpen(channel);
  acknowledge(channel, bytes);
  return {};
}

Result<void> Connection::closeChannel(uint32_t channel) {
  if (findChannel(channel) == nullptr) return notOpen(channel);
  channels_.erase(channel);
  pending_grants_.erase(channel);
  // Frames the daemon sends for it from now on are dropped (ids are never reused).
  return queue(Outbox::Lane::kOrdered, FrameType::kClose, channel);
}

Result<void> Connection::listSessions(ListCallback done) {
  if (pending_lists_.size() >= options_.max_pending_lists) {
    return Error{"too many LIST requests outstanding"};
  }
  if (auto queued = queue(Outbox::Lane::kOrdered, FrameType::kList, proto::kConnectionChannel);
      !queued) {
    return queued;
  }
  pending_lists_.push_back(std::move(done));
  return {};
}

Result<void> Connection::canI(v1::CanI question, DecisionCallback done) {
  if (pending_decisions_.size() >= options_.max_pending_lists) {
    return Error{"too many CAN_I requests outstanding"};
  }
  uint32_t id = next_request_id_++;
  question.set_request_id(id);
  if (auto queued = queue(Outbox::Lane::kOrdered, FrameType::kCanI, proto::kConnectionChannel,
                          question);
      !queued) {
    return queued;
  }
  pending_decisions_.emplace(id, std::move(done));
  return {};
}

Result<void> Connection::delegate(v1::Delegate ask, DelegationCallback done) {
  if (pending_delegations_.size() >= options_.max_pending_lists) {
    return Error{"too many DELEGATE requests outstanding"};
  }
  uint32_t id = next_request_id_++;
  ask.set_request_id(id);
  if (auto queued = queue(Outbox::Lane::kOrdered, FrameType::kDelegate, proto::kConnectionChannel,
                          ask);
      !queued) {
    return queued;
  }
  pending_delegations_.emplace(id, std::move(done));
  return {};
}

Result<void> Connection::ping(std::span<const uint8_t> payload) {
  if (payload.size() > kMaxPingBytes) return Error{"PING payload too long"};
  return queue(Outbox::Lane::kUrgent, FrameType::kPing, proto::kConnectionChannel, payload);
}

Result<void> Connection::sendRawFrame(std::span<const uint8_t> frame) {
  if (state_ == State::kClosing || state_ == State::kClosed) {
    return Error{"the connection to the daemon is closed", v1::SESSION_LOST};
  }
  if (!outbox_.pushRaw(frame)) return Error{"outgoing queue full"};
  requestWrite();
  return {};
}

void Connection::close() {
  if (state_ == State::kClosed || state_ == State::kClosing) return;
  bool connecting = state_ == State::kConnecting;
  state_ = State::kClosing;
  if (connecting && wsi_ != nullptr) {
    // Nothing was sent yet: abandon the attempt.
    lws_set_timeout(wsi_, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
    return;
  }
  requestWrite();  // WRITEABLE flushes the outbox, then closes.
}

// Queueing ----------------------------------------------------------------------

Result<void> Connection::queue(Outbox::Lane lane, FrameType type, uint32_t channel,
                               const google::protobuf::MessageLite& msg) {
  if (state_ == State::kClosing || state_ == State::kClosed) {
    return Error{"the connection to the daemon is closed", v1::SESSION_LOST};
  }
  if (!outbox_.push(lane, type, channel, msg)) {
    return Error{"outgoing queue full (" + std::string(proto::frameTypeName(type)) + ")"};
  }
  requestWrite();
  return {};
}

Result<void> Connection::queue(Outbox::Lane lane, FrameType type, uint32_t channel,
                               std::span<const uint8_t> payload) {
  if (state_ == State::kClosing || state_ == State::kClosed) {
    return Error{"the connection to the daemon is closed", v1::SESSION_LOST};
  }
  if (!outbox_.push(lane, type, channel, payload)) {
    return Error{"outgoing queue full (" + std::string(proto::frameTypeName(type)) + ")"};
  }
  requestWrite();
  return {};
}

void Connection::requestWrite() {
  // Before ESTABLISHED, the queue waits; `onLwsEvent` asks once connected.
  if (wsi_ != nullptr && state_ != State::kConnecting && state_ != State::kClosed) {
    lws_callback_on_writable(wsi_);
  }
}

void Connection::flushGrants() {
  for (auto it = pending_grants_.begin(); it != pending_grants_.end();) {
    v1::Credit credit;
    credit.set_bytes(it->second);
    if (!outbox_.push(Outbox::Lane::kUrgent, FrameType::kCredit, it->first, credit)) return;
    if (Channel* state = findChannel(it->first); state && state->output_credit) {
      *state->output_credit += it->second;
    }
    it = pending_grants_.erase(it);
  }
}

void Connection::notifyStdinSpace() {
  if (outbox_.dataSpace() == 0) return;
  for (auto& [id, state] : channels_) {
    if (!state.wants_stdin_space) continue;
    state.wants_stdin_space = false;
    uint32_t channel = id;
    state.handler->onCredit(channel, state.stdin_credit);
    return;  // The handler may have changed `channels_`; others wait for the next pass.
  }
}

Channel* Connection::findChannel(uint32_t channel) {
  auto it = channels_.find(channel);
  return it == channels_.end() ? nullptr : &it->second;
}

void Connection::failChannel(uint32_t channel, const Error& error) {
  auto it = channels_.find(channel);
  if (it == channels_.end()) return;
  ChannelHandler* handler = it->second.handler;
  channels_.erase(it);
  pending_grants_.erase(channel);
  handler->onError(channel, error);
}

void Connection::finish(const Result<void>& reason) {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  wsi_ = nullptr;
  std::string why = reason ? "the connection to the daemon was closed" : reason.error().message;
  while (!channels_.empty()) failChannel(channels_.begin()->first, Error{why, v1::SESSION_LOST});
  while (!pending_lists_.empty()) {
    ListCallback done = std::move(pending_lists_.front());
    pending_lists_.pop_front();
    done(Error{why, v1::SESSION_LOST});
  }
  auto decisions = std::move(pending_decisions_);
  pending_decisions_.clear();
  for (auto& [id, done] : decisions) done(Error{why, v1::SESSION_LOST});
  auto delegations = std::move(pending_delegations_);
  pending_delegations_.clear();
  for (auto& [id, done] : delegations) done(Error{why, v1::SESSION_LOST});
  observer_.onDisconnected(reason);
}

}  // namespace airlock::client
