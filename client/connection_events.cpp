// Connection, second half: lws events and the dispatch of incoming frames.
#include <cstring>
#include <string>
#include <utility>

#include <libwebsockets.h>

#include "client/connection.h"

namespace airlock::client {
namespace {

using proto::FrameType;

// At most this many `lws_write`s per WRITEABLE callback, then yield.
constexpr int kMaxWritesPerWritable = 16;

Error violation(std::string what) {
  return Error{"protocol violation by the daemon: " + std::move(what), v1::BAD_FRAME};
}

std::string closeReasonText(const void* in, size_t len) {
  if (len < 2) return "the daemon closed the connection";
  auto* bytes = static_cast<const uint8_t*>(in);
  int code = (bytes[0] << 8) | bytes[1];
  std::string reason(reinterpret_cast<const char*>(bytes + 2), len - 2);
  return "the daemon closed the connection (status " + std::to_string(code) +
         (reason.empty() ? ")" : ": " + reason + ")");
}

}  // namespace

int Connection::onLwsEvent(lws* wsi, int reason, void* in, size_t len) {
  switch (reason) {
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
      appendHandshakeHeaders(in, len);
      return 0;
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
      wsi_ = wsi;
      state_ = state_ == State::kClosing ? State::kClosing : State::kOpen;
      lws_callback_on_writable(wsi);
      observer_.onConnected();
      return 0;
    case LWS_CALLBACK_CLIENT_RECEIVE:
      return onReceive(wsi, in, len);
    case LWS_CALLBACK_CLIENT_WRITEABLE:
      return onWritable();
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
      if (!failure_ && state_ != State::kClosing) failure_ = Error{closeReasonText(in, len)};
      return 0;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
      std::string detail = in != nullptr ? std::string(static_cast<const char*>(in), len) : "";
      if (!detail.empty() && detail.back() == '\0') detail.pop_back();
      if (state_ == State::kClosing) {  // We abandoned the attempt.
        onClosedByLws({});
        return 0;
      }
      if (!failure_) {
        failure_ = Error{"cannot connect to " + options_.url +
                         (detail.empty() ? std::string() : ": " + detail)};
      }
      if (!connecting_now_) onClosedByLws(*failure_);
      return 0;
    }
    case LWS_CALLBACK_CLIENT_CLOSED:
      onClosedByLws(failure_ ? Result<void>(*failure_) : Result<void>());
      return 0;
    case LWS_CALLBACK_WSI_DESTROY:
      lws_set_opaque_user_data(wsi, nullptr);
      if (!connecting_now_) {
        onClosedByLws(failure_ ? Result<void>(*failure_)
                               : Result<void>(Error{"the connection ended unexpectedly"}));
      }
      return 0;
    default:
      return 0;
  }
}

void Connection::onClosedByLws(const Result<void>& reason) {
  if (state_ == State::kClosed) return;
  if (wsi_ != nullptr) lws_set_opaque_user_data(wsi_, nullptr);
  wsi_ = nullptr;
  // A close we did not ask for is an error even if the daemon was polite.
  if (reason.ok() && state_ != State::kClosing) {
    finish(Error{"the daemon closed the connection"});
    return;
  }
  finish(reason);
}

void Connection::appendHandshakeHeaders(void* in, size_t len) {
  if (options_.authorization.empty()) return;
  auto** p = static_cast<unsigned char**>(in);
  unsigned char* end = *p + len;
  const auto* value = reinterpret_cast<const unsigned char*>(options_.authorization.data());
  if (lws_add_http_header_by_token(wsi_, WSI_TOKEN_HTTP_AUTHORIZATION, value,
                                   static_cast<int>(options_.authorization.size()), p, end)) {
    failure_ = Error{"the Authorization header does not fit in the handshake"};
  }
}

int Connection::onReceive(lws* wsi, const void* in, size_t len) {
  if (lws_frame_is_binary(wsi) == 0) {
    failure_ = violation("text WebSocket message");
    return -1;
  }
  std::span<const uint8_t> fragment(static_cast<const uint8_t*>(in), len);
  auto complete = assembler_.append(fragment, lws_is_first_fragment(wsi) != 0,
                                    lws_is_final_fragment(wsi) != 0);
  if (!complete) {
    failure_ = violation(complete.error().message);
    return -1;
  }
  if (!*complete) return 0;
  auto frame = proto::decodeFrame(assembler_.message(), options_.limits);
  if (!frame) {
    failure_ = violation(frame.error().message);
    return -1;
  }
  if (auto handled = dispatch(*frame); !handled) {
    if (!failure_) failure_ = handled.error();
    return -1;
  }
  // A handler may have closed the connection; there is nothing left to say.
  return state_ == State::kClosed ? -1 : 0;
}

int Connection::onWritable() {
  if (state_ == State::kClosed) return -1;
  flushGrants();
  size_t data_before = outbox_.queuedBytes();
  for (int writes = 0; !outbox_.empty() && writes < kMaxWritesPerWritable; ++writes) {
    if (lws_send_pipe_choked(wsi_)) break;
    std::string& buffer = outbox_.front();
    size_t size = buffer.size() - LWS_PRE;
    auto* start = reinterpret_cast<unsigned char*>(buffer.data() + LWS_PRE);
    if (lws_write(wsi_, start, size, LWS_WRITE_BINARY) < static_cast<int>(size)) {
      failure_ = Error{"writing to the daemon failed"};
      return -1;
    }
    outbox_.pop();
  }
  if (!outbox_.empty() || !pending_grants_.empty()) {
    lws_callback_on_writable(wsi_);
  } else if (state_ == State::kClosing) {
    lws_close_reason(wsi_, LWS_CLOSE_STATUS_NORMAL, nullptr, 0);
    return -1;
  }
  if (outbox_.queuedBytes() < data_before) notifyStdinSpace();
  return 0;
}

// Dispatch (R20) ------------------------------------------------------------------

Result<void> Connection::dispatch(const proto::Frame& frame) {
  switch (frame.type) {
    case FrameType::kOpened: return handleOpened(frame);
    case FrameType::kStdout: return handleOutput(frame);
    case FrameType::kStderr: return handleOutput(frame);
    case FrameType::kExit: return handleExit(frame);
    case FrameType::kError: return handleError(frame);
    case FrameType::kCredit: return handleCredit(frame);
    case FrameType::kPing: return handlePing(frame);
    case FrameType::kPong: return handlePong(frame);
    case FrameType::kSessions: return handleSessions(frame);
    case FrameType::kOpen:
    case FrameType::kStdin:
    case FrameType::kResize:
    case FrameType::kCloseStdin:
    case FrameType::kClose:
    case FrameType::kList:
    case FrameType::kCanI:
    case FrameType::kDelegate:
      break;
    case FrameType::kDecision: return handleDecision(frame);
    case FrameType::kDelegation: return handleDelegation(frame);
  }
  return violation(std::string(proto::frameTypeName(frame.type)) +
                   " frame, which only clients send");
}

Result<void> Connection::handleOpened(const proto::Frame& frame) {
  v1::Opened opened;
  if (auto r = proto::decodeMessage(frame, opened); !r) return violation(r.error().message);
  Channel* state = findChannel(frame.channel);
  if (state == nullptr) return {};  // Closed by us meanwhile.
  if (state->opened) return violation("second OPENED on channel " + std::to_string(frame.channel));
  state->opened = true;
  state->stdin_credit += opened.stdin_window();
  ChannelHandler* handler = state->handler;
  handler->onOpened(frame.channel, opened);
  if (Channel* again = findChannel(frame.channel); again && again->stdin_credit > 0) {
    again->handler->onCredit(frame.channel, again->stdin_credit);
  }
  return {};
}

Result<void> Connection::handleOutput(const proto::Frame& frame) {
  Channel* state = findChannel(frame.channel);
  if (state == nullptr) return {};
  size_t size = frame.payload.size();
  if (state->output_credit) {
    if (size > *state->output_credit) {
      uint32_t channel = frame.channel;
      ChannelHandler* handler = state->handler;
      std::string what = "daemon sent " + std::to_string(size) + " output bytes with only " +
                         std::to_string(*state->output_credit) + " bytes of credit";
      // Tell the daemon too; the session is over either way.
      (void)closeChannel(channel);
      handler->onError(channel, Error{what, v1::CREDIT_EXCEEDED});
      return {};
    }
    *state->output_credit -= size;
  }
  ChannelHandler* handler = state->handler;
  Consume consumed = frame.type == FrameType::kStdout ? handler->onStdout(frame.channel, frame.payload)
                                                      : handler->onStderr(frame.channel, frame.payload);
  if (consumed == Consume::kConsumed) acknowledge(frame.channel, size);
  return {};
}

Result<void> Connection::handleExit(const proto::Frame& frame) {
  v1::Exit exit_msg;
  if (auto r = proto::decodeMessage(frame, exit_msg); !r) return violation(r.error().message);
  auto it = channels_.find(frame.channel);
  if (it == channels_.end()) return {};
  ChannelHandler* handler = it->second.handler;
  channels_.erase(it);
  pending_grants_.erase(frame.channel);
  handler->onExit(frame.channel, exit_msg);
  return {};
}

Result<void> Connection::handleError(const proto::Frame& frame) {
  v1::Error error;
  if (auto r = proto::decodeMessage(frame, error); !r) return violation(r.error().message);
  Error err{error.message(), error.code()};
  if (frame.channel == proto::kConnectionChannel) {
    // The daemon closes the WebSocket after this; so do we.
    failure_ = Error{"the daemon ended the connection: " + err.message, err.code};
    return *failure_;
  }
  failChannel(frame.channel, err);
  return {};
}

Result<void> Connection::handleCredit(const proto::Frame& frame) {
  v1::Credit credit;
  if (auto r = proto::decodeMessage(frame, credit); !r) return violation(r.error().message);
  Channel* state = findChannel(frame.channel);
  if (state == nullptr || state->stdin_closed) return {};
  state->stdin_credit += credit.bytes();
  state->handler->onCredit(frame.channel, state->stdin_credit);
  return {};
}

Result<void> Connection::handlePing(const proto::Frame& frame) {
  // A full outbox drops the PONG; the daemon's liveness check tolerates a miss.
  (void)outbox_.push(Outbox::Lane::kUrgent, FrameType::kPong, proto::kConnectionChannel,
                     frame.payload);
  requestWrite();
  return {};
}

Result<void> Connection::handlePong(const proto::Frame& frame) {
  observer_.onPong(frame.payload);
  return {};
}

Result<void> Connection::handleSessions(const proto::Frame& frame) {
  v1::Sessions sessions;
  if (auto r = proto::decodeMessage(frame, sessions); !r) return violation(r.error().message);
  if (pending_lists_.empty()) return violation("SESSIONS without a LIST");
  ListCallback done = std::move(pending_lists_.front());
  pending_lists_.pop_front();
  done(std::move(sessions));
  return {};
}

Result<void> Connection::handleDecision(const proto::Frame& frame) {
  v1::Decision decision;
  if (auto r = proto::decodeMessage(frame, decision); !r) return violation(r.error().message);
  auto it = pending_decisions_.find(decision.request_id());
  if (it == pending_decisions_.end()) return violation("DECISION without a CAN_I");
  DecisionCallback done = std::move(it->second);
  pending_decisions_.erase(it);
  done(std::move(decision));
  return {};
}

Result<void> Connection::handleDelegation(const proto::Frame& frame) {
  v1::DelegationToken answer;
  if (auto r = proto::decodeMessage(frame, answer); !r) return violation(r.error().message);
  auto it = pending_delegations_.find(answer.request_id());
  if (it == pending_delegations_.end()) return violation("DELEGATION without a DELEGATE");
  DelegationCallback done = std::move(it->second);
  pending_delegations_.erase(it);
  done(std::move(answer));
  return {};
}

}  // namespace airlock::client
