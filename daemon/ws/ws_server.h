// WsServer: libwebsockets as a guest on our libuv loop (foreign loop). It
// never listens itself: the Listener accepts and hands each socket over with
// `adopt`. Plain HTTP GETs go to `services.http` (/metrics, /healthz), else
// 404. WebSocket upgrades must ask for the airlock.v1 subprotocol; one that
// carries an Origin not in auth.allowed_origins gets 403; then the caller is
// identified (principalOf) or gets 401, before the upgrade; one caller over
// limits.max_connections_per_principal gets 429. Past limits.max_connections
// a new socket is closed at once; an upgrade not done within
// limits.handshake_timeout_ms is closed (slowloris).
// Owned by the Daemon; loop thread only.
#pragma once

#include <libwebsockets.h>
#include <uv.h>

#include <memory>
#include <set>
#include <string>
#include <unordered_map>

#include "airlock/result.h"
#include "loop/deferred_deleter.h"
#include "net/listener.h"
#include "ws/client_connection.h"
#include "ws/connection_services.h"

namespace airlock::ws {

class WsServer {
 public:
  static Result<std::unique_ptr<WsServer>> create(uv_loop_t* loop, ConnectionServices& services,
                                                  loop::DeferredDeleter& deleter);
  ~WsServer();

  // Hands an accepted socket to lws; on failure the socket is closed.
  void adopt(int fd, const net::PeerAddress& peer);
  // Tells every client the daemon is stopping and closes their connections.
  void shutdownConnections();
  // The drain began: `text` to the TTY sessions (ClientConnection::noticeDraining).
  void noticeDraining(const std::string& text);
  size_t connectionCount() const { return connections_.size(); }
  // Starts destroying the lws context (no new connections); its handles
  // close as the loop keeps running, and the destructor finishes the job.
  void destroy();

 private:
  WsServer(uv_loop_t* loop, ConnectionServices& services, loop::DeferredDeleter& deleter)
      : services_(services), deleter_(deleter), loop_(loop) {}
  static int onLwsHttp(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len);
  static int onLwsAirlock(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len);
  int onEstablished(lws* wsi, ClientConnection** slot);
  // LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: 0 lets the upgrade go on; 1 means we
  // answered 401 ourselves.
  int onConfirmUpgrade(lws* wsi);
  // Who the upgrade's caller is: a token's principal when [auth] is on (on
  // TCP always; on the Unix socket if it sends one), else the local caller
  // by SO_PEERCRED, else (TCP, --insecure-no-auth) anonymous.
  Result<auth::Principal> principalOf(const net::PeerAddress& peer,
                                      const auth::UpgradeHeaders& headers);
  // Upgraded and upgrading connections of `uid`.
  size_t connectionsOf(const std::string& uid) const;
  // Answers the upgrade with `status` and audits why; returns 1 (answered).
  int refuseUpgrade(lws* wsi, const net::PeerAddress& peer, unsigned status,
                    const std::string& verdict, const std::string& why);
  void onClosed(ClientConnection** slot);
  // LWS_CALLBACK_HTTP: 0 when `services_.http` answers (headers written, the
  // body follows in HTTP_WRITEABLE), 1 when it does not know `path`.
  int onHttpRequest(lws* wsi, const char* path);
  int onHttpWritable(lws* wsi);

  struct PendingHttp {
    std::string body;
    size_t sent = 0;
  };

  ConnectionServices& services_;
  loop::DeferredDeleter& deleter_;
  uv_loop_t* loop_;
  lws_context* context_ = nullptr;
  bool destroying_ = false;  // First phase of lws's two-phase teardown done.
  lws_vhost* vhost_ = nullptr;
  std::unique_ptr<lws_protocols[]> protocols_;
  std::set<ClientConnection*> connections_;
  // Sockets not yet upgraded (they count toward limits.max_connections) and
  // the callers of upgrades being confirmed; dropped at ESTABLISHED or
  // WSI_DESTROY.
  std::unordered_map<lws*, net::PeerAddress> pending_peers_;
  std::unordered_map<lws*, auth::Principal> pending_principals_;
  std::unordered_map<lws*, PendingHttp> http_responses_;  // Bodies being written.
  uint64_t refused_connections_ = 0;   // Over limits.max_connections since the last log line.
  uint64_t last_refusal_log_ms_ = 0;
};

}  // namespace airlock::ws
