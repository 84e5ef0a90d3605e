#include "ws/client_connection.h"
#include "airlock/peer_text.h"

#include "auth/auth_service.h"
#include "auth/local_access.h"

#include <sys/socket.h>
#include <uv.h>

#include <cstring>

#include <spdlog/spdlog.h>

namespace airlock::ws {
namespace {
constexpr int kFramesPerWritable = 16;
// A listed session shows at most this much of its command line.
constexpr size_t kListedArgvBytes = 1024;
// Room kept in a SESSIONS frame for its header, `truncated` and `total`.
constexpr size_t kSessionsFrameSlack = 32;
// LISTs being decided at once on one connection; more is a misbehaving peer.
constexpr uint32_t kMaxListsPending = 4;
// Input a closing connection reads and drops at most (see onWritable).
constexpr size_t kMaxDiscardedBytes = 1 << 20;

// `argv` as far as it fits in `budget` bytes; true if something was left out.
bool listArgv(const std::vector<std::string>& argv, size_t budget, v1::SessionInfo& out) {
  size_t used = 0;
  for (const auto& arg : argv) {
    if (used + arg.size() > budget) {
      out.add_argv(arg.substr(0, budget - used));
      return true;
    }
    used += arg.size();
    out.add_argv(arg);
  }
  return false;
}
}  // namespace

ClientConnection::ClientConnection(lws* wsi, ConnectionServices& services, net::PeerAddress peer,
                                   auth::Principal principal)
    : wsi_(wsi),
      services_(services),
      peer_(std::move(peer)),
      principal_(std::move(principal)),
      tx_(LWS_PRE + proto::kHeaderBytes +
          std::max(services.limits.write_slice_bytes, proto::kMaxControlFrameBytes)) {
  spdlog::debug("connection from {} established ({})", peer_.text, principal_.uid);
}

ClientConnection::~ClientConnection() { spdlog::debug("connection from {} freed", peer_.text); }

int ClientConnection::onReceive(const uint8_t* data, size_t len) {
  if (closing_) return 0;
  if (!lws_frame_is_binary(wsi_)) {
    return failConnection(v1::BAD_FRAME, "text messages are not part of airlock.v1");
  }
  bool first = lws_is_first_fragment(wsi_);
  bool last = lws_is_final_fragment(wsi_) && lws_remaining_packet_payload(wsi_) == 0;
  if (first && last && rx_.empty()) return handleFrame({data, len});  // The common case: no copy.
  if (first) rx_.clear();
  if (rx_.size() + len > services_.frame_limits.max_frame_bytes) {
    return failConnection(v1::FRAME_TOO_LARGE,
                          "frame larger than " +
                              std::to_string(services_.frame_limits.max_frame_bytes) + " bytes");
  }
  rx_.append(reinterpret_cast<const char*>(data), len);
  if (!last) return 0;
  std::string message = std::move(rx_);
  rx_.clear();
  return handleFrame({reinterpret_cast<const uint8_t*>(message.data()), message.size()});
}

int ClientConnection::handleFrame(std::span<const uint8_t> bytes) {
  auto frame = proto::decodeFrame(bytes, services_.frame_limits);
  if (!frame) {
    return failConnection(static_cast<v1::ErrorCode>(frame.error().code), frame.error().message);
  }
  switch (frame->type) {
    case proto::FrameType::kOpen: handleOpen(*frame); break;
    case proto::FrameType::kStdin: handleStdin(*frame); break;
    case proto::FrameType::kResize: handleResize(*frame); break;
    case proto::FrameType::kCloseStdin: handleCloseStdin(*frame); break;
    case proto::FrameType::kCredit: handleCredit(*frame); break;
    case proto::FrameType::kClose: handleClose(*frame); break;
    case proto::FrameType::kPing: handlePing(*frame); break;
    case proto::FrameType::kList: handleList(*frame); break;
    case proto::FrameType::kCanI: handleCanI(*frame); break;
    case proto::FrameType::kDelegate: handleDelegate(*frame); break;
    case proto::FrameType::kPong: break;
    case proto::FrameType::kError:
      spdlog::info("client {} reported an error on channel {}", peer_.text, frame->channel);
      break;
    case proto::FrameType::kOpened:
    case proto::FrameType::kStdout:
    case proto::FrameType::kStderr:
    case proto::FrameType::kExit:
    case proto::FrameType::kSessions:
    case proto::FrameType::kDecision:
    case proto::FrameType::kDelegation:
      return failConnection(v1::BAD_FRAME, std::string(proto::frameTypeName(frame->type)) +
                                               " is sent by the daemon, not the client");
  }
  return 0;
}

void ClientConnection::handleOpen(const proto::Frame& frame) {
  if (channels_.contains(frame.channel) || authorizing_.contains(frame.channel)) {
    failChannel(frame.channel, v1::CHANNEL_IN_USE,
                "channel " + std::to_string(frame.channel) + " is already open");
    return;
  }
  if (services_.draining) {
    failChannel(frame.channel, v1::SHUTTING_DOWN, "airlockd is stopping; no new sessions");
    return;
  }
  open_started_ns_[frame.channel] = uv_hrtime();
  v1::Open open;
  if (auto r = proto::decodeMessage(frame, open); !r) {
    failChannel(frame.channel, v1::BAD_FRAME, r.error().message);
    return;
  }
  if (auto r = proto::validateOpen(open, services_.frame_limits); !r) {
    failChannel(frame.channel, v1::BAD_FRAME, r.error().message);
    return;
  }
  if (channels_.size() + authorizing_.size() >= services_.limits.max_channels_per_connection) {
    failChannel(frame.channel, v1::TOO_MANY_CHANNELS,
                "this connection already has " + std::to_string(channels_.size()) +
                    " open channels (limits.max_channels_per_connection)");
    return;
  }
  if (!open.watch_session().empty()) {
    openWatch(frame.channel, open);
    return;
  }
  // The target first (a Mesos task may need the agent's state): the decision
  // is made on what the target really is, and an unknown one is an error
  // before anything is created.
  uint32_t channel = frame.channel;
  authorizing_.insert(channel);
  std::weak_ptr<bool> alive = alive_;
  services_.backend.lookupTarget(open.target(), [this, alive, channel, open](
                                                    Result<backend::TargetInfo> target) {
    if (alive.expired()) return;
    onOpenTarget(channel, open, target);
  });
}

void ClientConnection::onOpenTarget(uint32_t channel, const v1::Open& open,
                                    const Result<backend::TargetInfo>& target) {
  if (!authorizing_.contains(channel)) return;  // Closed by the client meanwhile.
  if (closing_ || wsi_ == nullptr) {
    authorizing_.erase(channel);
    return;
  }
  auth::Operation op = open.tty()        ? auth::Operation::kExecTty
                       : open.no_stdin() ? auth::Operation::kExec
                                         : auth::Operation::kExecStdin;
  if (!target) {
    authorizing_.erase(channel);
    if (services_.auth != nullptr) {
      // Nothing was decided, but someone asked: the audit trail says so.
      services_.auth->audit().record(auth::AuditEvent{
          "open_failed", principal_.uid, std::string(auth::operationName(op)), open.target(), "",
          "error", target.error().message, "", peer_.text});
    }
    failChannel(channel,
                target.error().code == backend::kBackendUnavailable ? v1::BACKEND_UNAVAILABLE
                                                                    : v1::UNKNOWN_TARGET,
                target.error().message);
    return;
  }
  // A local caller's session runs as itself unless it asks otherwise.
  v1::Open effective = open;
  if (effective.user().empty()) effective.set_user(auth::localDefaultRunAs(principal_));
  // Authorize before anything is created, for the caller, never for us.
  auth::AccessRequest request = accessRequest(*target, op, effective.user(), open.delegation());
  std::weak_ptr<bool> alive = alive_;
  decide(request, "", [this, alive, channel, effective, request](const auth::Decision& decision) {
    if (alive.expired()) return;
    onOpenDecision(channel, effective, request, decision);
  });
}

void ClientConnection::decide(const auth::AccessRequest& request,
                              const std::string& session_principal,
                              std::function<void(const auth::Decision&)> done) {
  if (auto local = auth::decideLocally(principal_, request, session_principal)) {
    done(*local);
    return;
  }
  if (services_.auth != nullptr) {
    services_.auth->authorize(principal_, request, std::move(done));
    return;
  }
  if (principal_.isLocal()) {
    done(auth::refuseLocally(principal_, request));
    return;
  }
  done(auth::Decision::allow(
      "authentication is off (a TCP listener with --insecure-no-auth): every caller may do "
      "everything"));
}

auth::AccessRequest ClientConnection::accessRequest(const backend::TargetInfo& target,
                                                    auth::Operation op, const std::string& run_as,
                                                    const std::string& delegation) const {
  auth::AccessRequest request;
  request.operation = op;
  request.task_id = target.id;
  request.app_id = target.app_id;
  request.task_user = target.user;
  request.run_as = run_as;
  request.labels = target.labels;
  request.delegation = delegation;
  request.now = auth::unixNow();
  return request;
}

void ClientConnection::onOpenDecision(uint32_t channel, const v1::Open& open,
                                      const auth::AccessRequest& request,
                                      const auth::Decision& decision) {
  bool cancelled = authorizing_.erase(channel) == 0;  // Closed by the client meanwhile.
  auditDecision(request, open.target(), decision);
  if (cancelled || closing_ || wsi_ == nullptr) return;
  if (!decision.allowed()) {
    spdlog::info("client {} ({}): {} on {} refused: {}", peer_.text, principal_.uid,
                 auth::operationName(request.operation), open.target(), decision.rule);
    failChannel(channel, v1::FORBIDDEN, decision.line());
    return;
  }
  startSession(channel, open, request.app_id, decision.rule);
}

void ClientConnection::openWatch(uint32_t channel, const v1::Open& open) {
  session::Session* session = services_.registry.find(open.watch_session());
  if (session == nullptr || session->state() == session::Session::State::kEnded) {
    failChannel(channel, v1::UNKNOWN_TARGET, "no live session " + quotePeerText(open.watch_session()) + " on this daemon");
    return;
  }
  // Decided on the session's target as it started, for the watcher.
  const session::SessionInfo& info = session->info();
  backend::TargetInfo target{info.spec.target, info.app_id, info.labels, info.user};
  auth::AccessRequest request = accessRequest(target, auth::Operation::kWatch, "", open.delegation());
  authorizing_.insert(channel);
  std::weak_ptr<bool> alive = alive_;
  decide(request, info.principal,
         [this, alive, channel, open, request, target_id = info.spec.target](
             const auth::Decision& decision) {
           if (alive.expired()) return;
           bool cancelled = authorizing_.erase(channel) == 0;
           auditDecision(request, target_id, decision);
           if (cancelled || closing_ || wsi_ == nullptr) return;
           if (!decision.allowed()) {
             failChannel(channel, v1::FORBIDDEN, decision.line());
             return;
           }
           startWatch(channel, open, decision.rule);
         });
}

void ClientConnection::startWatch(uint32_t channel_id, const v1::Open& open, const std::string& rule) {
  // Looked up again: it may have ended while the decision was made.
  session::Session* session = services_.registry.find(open.watch_session());
  if (session == nullptr || session->state() == session::Session::State::kEnded) {
    failChannel(channel_id, v1::UNKNOWN_TARGET, "session " + quotePeerText(open.watch_session()) + " has ended");
    return;
  }
  uint64_t window = open.window() ? std::min<uint64_t>(open.window(), services_.limits.max_window)
                                  : services_.limits.default_window;
  auto channel = std::make_unique<Channel>(*this, channel_id, window, 0);
  channel->attach(*session);
  session->addWatcher(*channel);
  watching_.insert(channel_id);
  spdlog::info("client {} ({}) watches session {} ({})", peer_.text, principal_.uid,
               session->info().id, rule);
  if (services_.auth != nullptr) {
    auth::AuditEvent event{"watch_start", principal_.uid, "watch", session->info().spec.target,
                           session->info().app_id, "", rule, session->info().id, peer_.text};
    services_.auth->audit().record(event);
    audited_[channel_id] = std::move(event);
  }
  v1::Opened opened;
  opened.set_session_id(session->info().id);
  opened.set_stdin_window(0);
  opened.set_pid(session->pid());
  queueControl(proto::encodeFrame(proto::FrameType::kOpened, channel_id, opened));
  open_started_ns_.erase(channel_id);
  Channel& ref = *channel;
  channels_.emplace(channel_id, std::move(channel));
  if (ref.wantsWrite()) markReady(ref);
}

void ClientConnection::auditDecision(const auth::AccessRequest& request, const std::string& target,
                                     const auth::Decision& decision) {
  if (services_.metrics != nullptr) services_.metrics->decision(decision.verdict());
  if (services_.auth == nullptr) return;  // No [auth]: no audit log either.
  services_.auth->audit().record(auth::AuditEvent{
      "decision", principal_.uid, std::string(auth::operationName(request.operation)), target,
      request.app_id, decision.verdict(), decision.rule, "", peer_.text});
}

void ClientConnection::auditSessionEnd(uint32_t channel, const std::string& why) {
  no_stdin_.erase(channel);
  watching_.erase(channel);
  auto it = audited_.find(channel);
  if (it == audited_.end()) return;
  auth::AuditEvent event = std::move(it->second);
  audited_.erase(it);
  event.event = event.event == "watch_start" ? "watch_end" : "session_end";
  event.rule = why;
  if (services_.auth != nullptr) services_.auth->audit().record(event);
}

void ClientConnection::startSession(uint32_t channel_id, const v1::Open& open,
                                    const std::string& app_id, const std::string& rule) {
  backend::SessionSpec spec;
  spec.target = open.target();
  spec.argv.assign(open.argv().begin(), open.argv().end());
  spec.env.insert(open.env().begin(), open.env().end());
  spec.tty = open.tty();
  spec.rows = static_cast<uint16_t>(open.rows() ? open.rows() : 24);
  spec.cols = static_cast<uint16_t>(open.cols() ? open.cols() : 80);
  spec.user = open.user();
  spec.cwd = open.cwd();

  uint64_t window = open.window() ? std::min<uint64_t>(open.window(), services_.limits.max_window)
                                  : services_.limits.default_window;
  auto channel = std::make_unique<Channel>(*this, channel_id, window,
                                           services_.limits.stdin_window);
  auto created = services_.registry.create(services_.backend, principal_.uid, std::move(spec),
                                           *channel, {"allow", rule});
  if (created.session == nullptr) {
    using Refusal = session::SessionRegistry::Refusal;
    v1::ErrorCode code = created.refusal == Refusal::kTooMany         ? v1::TOO_MANY_SESSIONS
                         : created.refusal == Refusal::kUnknownTarget ? v1::UNKNOWN_TARGET
                                                                      : v1::SPAWN_FAILED;
    spdlog::info("client {}: session refused: {}", peer_.text, created.reason);
    if (services_.metrics != nullptr) services_.metrics->sessions_refused.inc();
    failChannel(channel_id, code, created.reason);  // Not yet a channel of ours: only the ERROR.
    return;
  }
  channel->attach(*created.session);
  if (open.no_stdin()) {
    created.session->closeInput();
    no_stdin_.insert(channel_id);
  }
  if (services_.auth != nullptr) {
    auth::AuditEvent event{"session_start", principal_.uid, "", open.target(), app_id, "", "",
                           created.session->info().id, peer_.text};
    services_.auth->audit().record(event);
    audited_[channel_id] = std::move(event);
  }
  v1::Opened opened;
  opened.set_session_id(created.session->info().id);
  opened.set_stdin_window(services_.limits.stdin_window);
  opened.set_pid(created.session->pid());
  // OPENED goes through the control queue, which is written before any
  // channel data, so it precedes the session's first output.
  queueControl(proto::encodeFrame(proto::FrameType::kOpened, channel_id, opened));
  if (auto it = open_started_ns_.find(channel_id); it != open_started_ns_.end()) {
    if (services_.metrics != nullptr) {
      services_.metrics->sessions_started.inc();
      services_.metrics->setup_seconds.observe(static_cast<double>(uv_hrtime() - it->second) / 1e9);
    }
    open_started_ns_.erase(it);
  }
  Channel& ref = *channel;
  channels_.emplace(channel_id, std::move(channel));
  if (ref.wantsWrite()) markReady(ref);
}

void ClientConnection::handleStdin(const proto::Frame& frame) {
  Channel* channel = findChannel(frame.channel);
  if (channel == nullptr) return;
  if (watching_.contains(frame.channel)) {
    failChannel(frame.channel, v1::FORBIDDEN, "this channel watches a session; it cannot send input");
    return;
  }
  if (no_stdin_.contains(frame.channel)) {
    failChannel(frame.channel, v1::FORBIDDEN,
                "this session was opened with no_stdin (authorized as exec, without input)");
    return;
  }
  if (auto r = channel->onStdin(frame.payload); !r) {
    failChannel(frame.channel, static_cast<v1::ErrorCode>(r.error().code), r.error().message);
  } else if (services_.metrics != nullptr) {
    services_.metrics->stdin_bytes.inc(static_cast<double>(frame.payload.size()));
  }
}

void ClientConnection::handleResize(const proto::Frame& frame) {
  Channel* channel = findChannel(frame.channel);
  if (channel == nullptr) return;
  v1::Resize resize;
  auto r = proto::decodeMessage(frame, resize);
  if (r) r = proto::validateResize(resize, services_.frame_limits);
  if (!r) {
    failChannel(frame.channel, v1::BAD_FRAME, r.error().message);
    return;
  }
  if (watching_.contains(frame.channel)) return;  // The terminal's size is its writer's.
  if (channel->session() != nullptr) {
    channel->session()->resize(static_cast<uint16_t>(resize.rows()),
                               static_cast<uint16_t>(resize.cols()));
  }
}

void ClientConnection::handleCloseStdin(const proto::Frame& frame) {
  if (watching_.contains(frame.channel)) return;  // Not the watcher's to close.
  Channel* channel = findChannel(frame.channel);
  if (channel != nullptr && channel->session() != nullptr) channel->session()->closeInput();
}

void ClientConnection::handleCredit(const proto::Frame& frame) {
  Channel* channel = findChannel(frame.channel);
  if (channel == nullptr) return;
  v1::Credit credit;
  if (auto r = proto::decodeMessage(frame, credit); !r) {
    failChannel(frame.channel, v1::BAD_FRAME, r.error().message);
    return;
  }
  channel->onCredit(credit.bytes());
}

void ClientConnection::handleClose(const proto::Frame& frame) {
  // Quietly: the client asked for it and expects nothing more on the channel.
  // An OPEN still being looked up or authorized never starts.
  if (authorizing_.erase(frame.channel) > 0) return;
  if (findChannel(frame.channel) != nullptr) {
    channels_.erase(frame.channel);
    auditSessionEnd(frame.channel, "closed by the client");
  }
}

void ClientConnection::handlePing(const proto::Frame& frame) {
  // The decoder refused a payload over limits.max_ping_bytes (125).
  queueControl(proto::encodeFrame(proto::FrameType::kPong, proto::kConnectionChannel, frame.payload));
}

void ClientConnection::handleList(const proto::Frame& /*frame*/) {
  if (lists_pending_ >= kMaxListsPending) {
    failConnection(v1::BAD_FRAME, "more than " + std::to_string(kMaxListsPending) +
                                      " LIST requests are still unanswered");
    return;
  }
  // A snapshot of the live sessions; the caller sees those it may watch.
  auto listing = std::make_shared<Listing>();
  services_.registry.forEach([&](const session::Session& s) {
    const auto& info = s.info();
    v1::SessionInfo entry;
    entry.set_session_id(info.id);
    entry.set_target(info.spec.target);
    entry.set_argv_truncated(listArgv(info.spec.argv, kListedArgvBytes, entry));
    entry.set_tty(info.spec.tty);
    entry.set_user(info.user);
    entry.set_started_unix_ms(info.started_unix_ms);
    entry.set_viewers(static_cast<uint32_t>(s.consumerCount()));
    entry.set_principal(info.principal);
    entry.set_pid(s.pid());
    backend::TargetInfo target{info.spec.target, info.app_id, info.labels, info.user};
    listing->entries.push_back(
        {std::move(entry), accessRequest(target, auth::Operation::kWatch, "", ""), false});
  });
  ++lists_pending_;
  listing->undecided = listing->entries.size();
  if (listing->undecided == 0) {
    finishList(*listing);
    return;
  }
  std::weak_ptr<bool> alive = alive_;
  for (size_t i = 0; i < listing->entries.size(); ++i) {
    Listing::Entry& e = listing->entries[i];
    decide(e.request, e.info.principal(), [this, alive, listing, i](const auth::Decision& decision) {
      if (alive.expired()) return;
      listing->entries[i].visible = decision.allowed();
      if (--listing->undecided == 0) finishList(*listing);
    });
  }
}

void ClientConnection::finishList(Listing& listing) {
  --lists_pending_;
  // Built to fit one control frame, whatever the sessions' command lines.
  v1::Sessions list;
  size_t budget = proto::kMaxControlFrameBytes - proto::kHeaderBytes - kSessionsFrameSlack;
  size_t used = 0;
  uint32_t visible = 0;
  for (Listing::Entry& e : listing.entries) {
    if (!e.visible) continue;
    ++visible;
    if (list.truncated()) continue;
    size_t bytes = e.info.ByteSizeLong() + 6;  // Its tag and length prefix.
    if (used + bytes > budget) {
      list.set_truncated(true);
      continue;
    }
    used += bytes;
    *list.add_sessions() = std::move(e.info);
  }
  list.set_total(visible);
  std::string summary = std::to_string(visible) + " of " + std::to_string(listing.entries.size()) +
                        " live sessions visible";
  spdlog::info("client {} ({}) listed sessions: {}", peer_.text, principal_.uid, summary);
  if (services_.auth != nullptr) {
    services_.auth->audit().record(auth::AuditEvent{"list", principal_.uid, "list", "", "",
                                                    "allow", summary, "", peer_.text});
  }
  queueControl(proto::encodeFrame(proto::FrameType::kSessions, proto::kConnectionChannel, list));
}

void ClientConnection::handleCanI(const proto::Frame& frame) {
  v1::CanI question;
  auto valid = proto::decodeMessage(frame, question);
  if (valid) valid = proto::validateCanI(question, services_.frame_limits);
  if (!valid) {
    failConnection(v1::BAD_FRAME, valid.error().message);
    return;
  }
  uint32_t id = question.request_id();
  auto reply = [this, id](const auth::Decision& decision) {
    v1::Decision answer;
    answer.set_request_id(id);
    answer.set_verdict(decision.verdict());
    answer.set_rule(decision.rule);
    queueControl(proto::encodeFrame(proto::FrameType::kDecision, proto::kConnectionChannel, answer));
  };
  auto op = auth::parseOperation(question.operation());
  if (!op) {
    reply(auth::Decision::deny("unknown operation " + quotePeerText(question.operation(), 32) +
                               " (exec, exec-stdin, exec-tty or watch)"));
    return;
  }
  std::weak_ptr<bool> alive = alive_;
  services_.backend.lookupTarget(question.target(), [this, alive, reply, op = *op, question](
                                                        Result<backend::TargetInfo> target) {
    if (alive.expired()) return;
    if (!target) {
      reply(auth::Decision::deny(target.error().message));
      return;
    }
    std::string run_as = question.user().empty() && op != auth::Operation::kWatch
                             ? auth::localDefaultRunAs(principal_)
                             : question.user();
    auth::AccessRequest request = accessRequest(*target, op, run_as, question.delegation());
    std::string target_id = question.target();
    decide(request, "", [this, alive, reply, request, target_id](const auth::Decision& decision) {
      if (alive.expired()) return;
      auditDecision(request, target_id, decision);
      reply(decision);
    });
  });
}

void ClientConnection::handleDelegate(const proto::Frame& frame) {
  v1::Delegate ask;
  auto valid = proto::decodeMessage(frame, ask);
  if (valid) valid = proto::validateDelegate(ask, services_.frame_limits);
  if (!valid) {
    failConnection(v1::BAD_FRAME, valid.error().message);
    return;
  }
  auto reply = [this, id = ask.request_id(), target = ask.target()](
                   const Result<auth::IssuedDelegation>& issued) {
    v1::DelegationToken answer;
    answer.set_request_id(id);
    if (issued) {
      answer.set_token(issued->token);
      answer.set_task_id(issued->claims.task_id);
      answer.set_delegate(issued->claims.delegate);
      answer.set_expires_unix(issued->claims.expires_at);
    } else {
      answer.set_refusal(issued.error().message);
    }
    if (services_.auth != nullptr) {
      services_.auth->audit().record(auth::AuditEvent{
          "delegation", principal_.uid, "delegate", target, "", issued ? "allow" : "deny",
          issued ? "to " + issued->claims.delegate + " until " +
                       std::to_string(issued->claims.expires_at)
                 : issued.error().message,
          "", peer_.text});
    }
    queueControl(proto::encodeFrame(proto::FrameType::kDelegation, proto::kConnectionChannel, answer));
  };
  if (services_.auth == nullptr) {
    reply(Error{"delegation tokens need authentication ([auth] with a key source)"});
    return;
  }
  std::weak_ptr<bool> alive = alive_;
  services_.backend.lookupTarget(ask.target(), [this, alive, reply, ask](
                                                   Result<backend::TargetInfo> target) {
    if (alive.expired()) return;
    if (!target) {
      reply(target.error());
      return;
    }
    auth::DelegationOrder order{target->id, ask.delegate(), ask.lifetime_s(), auth::unixNow()};
    services_.auth->issueDelegation(principal_, order,
                                    [alive, reply](Result<auth::IssuedDelegation> issued) {
                                      if (alive.expired()) return;
                                      reply(issued);
                                    });
  });
}

Channel* ClientConnection::findChannel(uint32_t id) {
  auto it = channels_.find(id);
  if (it != channels_.end()) return it->second.get();
  // Frames for a channel that just ended race with its EXIT; they are dropped.
  spdlog::debug("client {}: frame for channel {}, which is not open", peer_.text, id);
  return nullptr;
}

void ClientConnection::failChannel(uint32_t channel, v1::ErrorCode code, const std::string& message,
                                   const std::string& audit_reason) {
  v1::Error error;
  error.set_code(code);
  // Bounded whatever it quotes (peer text is quoted short, see peer_text.h).
  error.set_message(message.size() > proto::kMaxErrorMessageBytes
                        ? message.substr(0, proto::kMaxErrorMessageBytes - 3) + "..."
                        : message);
  queueControl(proto::encodeFrame(proto::FrameType::kError, channel, error));
  open_started_ns_.erase(channel);
  if (channel != proto::kConnectionChannel) {
    channels_.erase(channel);
    auditSessionEnd(channel, audit_reason);
  }
}

int ClientConnection::failConnection(v1::ErrorCode code, const std::string& message) {
  spdlog::info("client {}: closing the connection: {}", peer_.text, message);
  failChannel(proto::kConnectionChannel, code, message);
  closing_ = true;
  close_status_ = LWS_CLOSE_STATUS_POLICY_VIOLATION;
  close_reason_ = message.substr(0, 120);
  requestWrite();
  return 0;
}

void ClientConnection::noticeDraining(const std::string& text) {
  for (auto& [id, channel] : channels_) channel->notice(text);
}

void ClientConnection::shutdown() {
  if (wsi_ == nullptr) return;
  for (auto& [id, channel] : channels_) {
    v1::Error error;
    error.set_code(v1::SHUTTING_DOWN);
    error.set_message("airlockd is shutting down; the session was ended");
    queueControl(proto::encodeFrame(proto::FrameType::kError, id, error));
  }
  channels_.clear();  // Detaching stops each session.
  while (!audited_.empty()) auditSessionEnd(audited_.begin()->first, "daemon shutdown");
  ready_.clear();
  closing_ = true;
  close_status_ = LWS_CLOSE_STATUS_GOINGAWAY;
  close_reason_ = "airlockd is shutting down";
  requestWrite();
}

void ClientConnection::queueControl(std::string frame) {
  control_bytes_ += frame.size();
  control_.push_back(std::move(frame));
  if (control_bytes_ > services_.limits.max_control_queue_bytes && !closing_) {
    // The peer sends requests but does not read the answers.
    spdlog::warn("client {} is too far behind reading control frames; disconnecting", peer_.text);
    control_.clear();
    control_bytes_ = 0;
    closing_ = true;
    close_status_ = LWS_CLOSE_STATUS_POLICY_VIOLATION;
    close_reason_ = "too far behind";
  }
  requestWrite();
}

void ClientConnection::loseChannel(uint32_t channel, const std::string& reason) {
  failChannel(channel, v1::SESSION_LOST, reason, "lost: " + reason);
}

void ClientConnection::markReady(Channel& channel) {
  if (channel.queued || closing_) return;
  channel.queued = true;
  ready_.push_back(channel.id());
  requestWrite();
}

void ClientConnection::requestWrite() {
  if (wsi_ != nullptr) lws_callback_on_writable(wsi_);
}

int ClientConnection::writeFrame(size_t len) {
  int n = lws_write(wsi_, tx_.data() + LWS_PRE, len, LWS_WRITE_BINARY);
  return n < 0 ? -1 : 0;
}

int ClientConnection::onWritable() {
  for (int i = 0; i < kFramesPerWritable && !lws_send_pipe_choked(wsi_); ++i) {
    uint8_t* out = tx_.data() + LWS_PRE;
    if (!control_.empty()) {
      std::string frame = std::move(control_.front());
      control_.pop_front();
      control_bytes_ -= frame.size();
      if (frame.size() > tx_.size() - LWS_PRE) {
        // A reply that does not fit is our bug: end this connection, never
        // write past the buffer.
        spdlog::error("client {}: internal error: a {}-byte control frame exceeds the {}-byte send buffer; closing",
                      peer_.text, frame.size(), tx_.size() - LWS_PRE);
        return -1;
      }
      std::memcpy(out, frame.data(), frame.size());
      if (writeFrame(frame.size()) < 0) return -1;
      continue;
    }
    if (closing_) break;
    if (ready_.empty()) break;
    uint32_t id = ready_.front();
    ready_.pop_front();
    auto it = channels_.find(id);
    if (it == channels_.end()) continue;
    Channel& channel = *it->second;
    channel.queued = false;
    Channel::Produced produced = channel.produceFrame(out, services_.limits.write_slice_bytes);
    if (produced.finished) {
      channels_.erase(it);
      auditSessionEnd(id, "exited");
    }
    else if (channel.wantsWrite()) markReady(channel);
    if (produced.frame_bytes > 0 && writeFrame(produced.frame_bytes) < 0) return -1;
  }
  if (closing_ && control_.empty()) {
    // Only once everything written has left: closing with a write still
    // buffered by lws drops it (the last ERRORs before a shutdown were lost
    // that way under load).
    if (lws_partial_buffered(wsi_) || lws_send_pipe_choked(wsi_)) {
      requestWrite();
      return 0;
    }
    // Closing a TCP socket with unread input makes the kernel send RST, and
    // the peer's kernel then drops what we sent last (the ERRORs and the
    // close frame). Whatever the peer sent is of no use now: drop it first.
    discardUnreadInput();
    lws_close_reason(wsi_, close_status_, reinterpret_cast<unsigned char*>(close_reason_.data()),
                     close_reason_.size());
    return -1;
  }
  if (!control_.empty() || !ready_.empty()) requestWrite();
  return 0;
}

void ClientConnection::discardUnreadInput() {
  int fd = lws_get_socket_fd(wsi_);
  if (fd < 0) return;
  char sink[16 * 1024];
  for (size_t total = 0; total < kMaxDiscardedBytes;) {
    ssize_t n = recv(fd, sink, sizeof sink, MSG_DONTWAIT);
    if (n <= 0) return;
    total += static_cast<size_t>(n);
  }
}

void ClientConnection::onClosed() {
  wsi_ = nullptr;
  alive_.reset();  // Decisions still on their way are dropped.
  ready_.clear();
  control_.clear();
  channels_.clear();
  while (!audited_.empty()) auditSessionEnd(audited_.begin()->first, "connection closed");
}

}  // namespace airlock::ws
