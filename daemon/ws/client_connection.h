// ClientConnection: one airlock.v1 WebSocket and its channels.
//
// Decodes frames (reassembling fragments up to `limits.max_frame_bytes`),
// dispatches them one handler per type (R20), and writes only from lws's
// WRITEABLE callback (R12): control frames first, then ready channels in
// round robin, one slice each, so one busy session cannot delay another's
// keystroke echo. Created in LWS_CALLBACK_ESTABLISHED and detached in
// LWS_CALLBACK_CLOSED, then deleted later (R10/R11). Owned by the WsServer;
// loop thread only.
#pragma once

#include <libwebsockets.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "auth/access_request.h"
#include "auth/audit_log.h"
#include "auth/decision.h"
#include "auth/principal.h"
#include "frame.h"
#include "loop/deferred_deleter.h"
#include "net/listener.h"
#include "ws/channel.h"
#include "ws/connection_services.h"

namespace airlock::ws {

class ClientConnection final : public loop::Deferred {
 public:
  ClientConnection(lws* wsi, ConnectionServices& services, net::PeerAddress peer,
                   auth::Principal principal);
  ~ClientConnection() override;

  // lws events; a negative return asks lws to close the connection.
  int onReceive(const uint8_t* data, size_t len);
  int onWritable();
  // The socket is gone: leave every session (stopping those nobody else
  // watches). `wsi` is never touched after this.
  void onClosed();

  // Ends every session with SHUTTING_DOWN and closes with 1001.
  void shutdown();
  // The drain began: TTY sessions get `text` on their terminal (see
  // Channel::notice); the sessions go on until `shutdown`.
  void noticeDraining(const std::string& text);
  metrics::DaemonMetrics* metrics() const { return services_.metrics; }
  void markReady(Channel& channel);
  // The channel's session ended abnormally: SESSION_LOST with `reason`, and
  // the channel is closed (and destroyed).
  void loseChannel(uint32_t channel, const std::string& reason);

  const net::PeerAddress& peer() const { return peer_; }
  const auth::Principal& principal() const { return principal_; }

 private:
  int handleFrame(std::span<const uint8_t> bytes);
  void handleOpen(const proto::Frame& frame);
  void handleStdin(const proto::Frame& frame);
  void handleResize(const proto::Frame& frame);
  void handleCloseStdin(const proto::Frame& frame);
  void handleCredit(const proto::Frame& frame);
  void handleClose(const proto::Frame& frame);
  void handlePing(const proto::Frame& frame);
  // LIST: every live session is decided as a `watch` for this caller; the
  // SESSIONS reply (finishList) holds those allowed, and is audited.
  void handleList(const proto::Frame& frame);
  struct Listing {
    struct Entry {
      v1::SessionInfo info;
      auth::AccessRequest request;
      bool visible = false;
    };
    std::vector<Entry> entries;
    size_t undecided = 0;
  };
  void finishList(Listing& listing);
  void handleCanI(const proto::Frame& frame);
  // DELEGATE: mints a delegation token if the caller is a super admin.
  void handleDelegate(const proto::Frame& frame);

  // Authorization of an OPEN (possibly asynchronous: the IAM source fetches
  // in the thread pool); the channel is reserved meanwhile.
  auth::AccessRequest accessRequest(const backend::TargetInfo& target, auth::Operation op,
                                    const std::string& run_as, const std::string& delegation) const;
  // OPEN with watch_session: authorize `watch` on that session's target, then
  // attach the channel as a read-only watcher.
  void openWatch(uint32_t channel, const v1::Open& open);
  void startWatch(uint32_t channel, const v1::Open& open, const std::string& rule);
  void onOpenTarget(uint32_t channel, const v1::Open& open,
                    const Result<backend::TargetInfo>& target);
  void onOpenDecision(uint32_t channel, const v1::Open& open, const auth::AccessRequest& request,
                      const auth::Decision& decision);
  void startSession(uint32_t channel, const v1::Open& open, const std::string& app_id,
                    const std::string& rule);
  void auditDecision(const auth::AccessRequest& request, const std::string& target,
                     const auth::Decision& decision);
  // Every decision for this caller: local access (SO_PEERCRED) first, then
  // the AuthService if [auth] is on; without [auth] a local caller gets only
  // what local access allows, and anonymous (--insecure-no-auth) everything.
  // `session_principal`: who started the session a watch is for. `done` may
  // run before this returns.
  void decide(const auth::AccessRequest& request, const std::string& session_principal,
              std::function<void(const auth::Decision&)> done);
  // Records the end of the session on `channel` (if it was audited) and forgets it.
  void auditSessionEnd(uint32_t channel, const std::string& why);

  Channel* findChannel(uint32_t id);
  // Sends ERROR on `channel` and, for a session channel, ends that channel;
  // a session there is audited as ended for `audit_reason`.
  void failChannel(uint32_t channel, v1::ErrorCode code, const std::string& message,
                   const std::string& audit_reason = "ended by an error");
  // Sends ERROR on channel 0 and closes the connection after it.
  int failConnection(v1::ErrorCode code, const std::string& message);
  void queueControl(std::string frame);
  void requestWrite();
  int writeFrame(size_t len);  // The frame is at tx_ + LWS_PRE.
  // Reads and drops what the peer sent that nobody read yet (bounded), so
  // that our close is a FIN, not a RST that loses our last frames.
  void discardUnreadInput();

  lws* wsi_;
  ConnectionServices& services_;
  net::PeerAddress peer_;
  auth::Principal principal_;
  // Set to null in `onClosed`: decisions that arrive later are dropped.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  uint32_t lists_pending_ = 0;           // LISTs whose decisions are on their way.
  std::set<uint32_t> authorizing_;       // OPENs whose target lookup or decision is pending.
  std::map<uint32_t, uint64_t> open_started_ns_;  // OPEN received (uv_hrtime), until OPENED.
  std::set<uint32_t> no_stdin_;          // Channels opened with `no_stdin`.
  std::set<uint32_t> watching_;          // Channels watching someone else's session.
  std::map<uint32_t, auth::AuditEvent> audited_;  // Live sessions, for session_end.
  std::map<uint32_t, std::unique_ptr<Channel>> channels_;
  std::deque<uint32_t> ready_;
  std::deque<std::string> control_;
  size_t control_bytes_ = 0;
  std::string rx_;
  bool rx_too_large_ = false;
  std::vector<uint8_t> tx_;  // LWS_PRE headroom + one frame.
  bool closing_ = false;
  lws_close_status close_status_ = LWS_CLOSE_STATUS_NORMAL;
  std::string close_reason_;
};

}  // namespace airlock::ws
