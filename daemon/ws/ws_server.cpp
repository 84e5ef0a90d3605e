#include "ws/ws_server.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "airlock/peer_text.h"
#include "airlock/uv_closing.h"
#include "frame.h"

namespace airlock::ws {
namespace {

constexpr size_t kRxBufferBytes = 64 * 1024;
// Longer Authorization / Cookie / Origin headers are refused, not truncated.
constexpr int kMaxAuthHeaderBytes = 20 * 1024;
constexpr size_t kHttpChunkBytes = 16 * 1024;

std::optional<std::string> copyHeader(lws* wsi, lws_token_indexes token, bool& too_long) {
  int len = lws_hdr_total_length(wsi, token);
  if (len <= 0) return std::nullopt;
  if (len >= kMaxAuthHeaderBytes) {
    too_long = true;
    return std::nullopt;
  }
  std::string value(static_cast<size_t>(len) + 1, '\0');
  int copied = lws_hdr_copy(wsi, value.data(), len + 1, token);
  if (copied < 0) {
    too_long = true;
    return std::nullopt;
  }
  value.resize(static_cast<size_t>(copied));
  return value;
}

void onLwsLog(int level, const char* line) {
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (level & LLL_ERR) spdlog::error("lws: {}", text);
  else if (level & LLL_WARN) spdlog::warn("lws: {}", text);
  else spdlog::debug("lws: {}", text);
}

constexpr int kMaxTeardownSpins = 1000;
constexpr uint64_t kRefusalLogIntervalMs = 10000;
constexpr unsigned kHttpTooManyRequests = 429;  // Not in lws 4.1's http_status.
// Our own reason code, so lws's timeout log names it as ours.
constexpr auto kHandshakeTimeout = static_cast<pending_timeout>(PENDING_TIMEOUT_USER_REASON_BASE + 1);


// The passwd name of a local caller (blocking only as long as NSS is; the
// backend's account lookups do the same on the loop).
auth::LocalIdentity localIdentity(const net::PeerCredentials& cred) {
  auth::LocalIdentity who{cred.uid, cred.gid, ""};
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (getpwuid_r(cred.uid, &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr) {
    who.user = found->pw_name;
  }
  return who;
}

WsServer* serverOf(lws* wsi) {
  return static_cast<WsServer*>(lws_context_user(lws_get_context(wsi)));
}

}  // namespace

Result<std::unique_ptr<WsServer>> WsServer::create(uv_loop_t* loop, ConnectionServices& services,
                                                   loop::DeferredDeleter& deleter) {
  lws_set_log_level(LLL_ERR | LLL_WARN, onLwsLog);
  std::unique_ptr<WsServer> self(new WsServer(loop, services, deleter));
  self->protocols_.reset(new lws_protocols[3]{});
  self->protocols_[0] = {"http", onLwsHttp, 0, 0, 0, nullptr, 0};
  self->protocols_[1] = {proto::kSubprotocol.data(), onLwsAirlock, sizeof(ClientConnection*),
                         kRxBufferBytes, 0, nullptr, 0};

  static void* foreign_loops[1];
  foreign_loops[0] = loop;
  lws_context_creation_info info{};
  info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
  info.foreign_loops = foreign_loops;
  info.port = CONTEXT_PORT_NO_LISTEN_SERVER;
  info.protocols = self->protocols_.get();
  info.user = self.get();
  info.pt_serv_buf_size = 64 * 1024;
  info.timeout_secs = 30;
  self->context_ = lws_create_context(&info);
  if (self->context_ == nullptr) {
    return Error{"cannot start libwebsockets on the libuv loop (is the package "
                 "libwebsockets-evlib-uv installed?)"};
  }
  self->vhost_ = lws_create_vhost(self->context_, &info);
  if (self->vhost_ == nullptr) return Error{"cannot create the libwebsockets vhost"};
  return self;
}

WsServer::~WsServer() {
  if (context_ == nullptr) return;
  destroy();
  // lws 4.1 frees a foreign-loop context in two phases: the first
  // lws_context_destroy (in `destroy`) starts closing its uv handles; only
  // once their close callbacks ran does a second call free the context
  // (without it, LeakSanitizer finds the context's buffers). We are outside
  // uv_run here (the Daemon is destroyed after the loop stopped).
  for (int spin = 0; spin < kMaxTeardownSpins && closingHandles(loop_) > 0; ++spin) {
    uv_run(loop_, UV_RUN_NOWAIT);
  }
  lws_context_destroy(std::exchange(context_, nullptr));
}

void WsServer::destroy() {
  if (context_ == nullptr || destroying_) return;
  destroying_ = true;
  lws_context_destroy(context_);
  vhost_ = nullptr;
}

void WsServer::adopt(int fd, const net::PeerAddress& peer) {
  if (context_ == nullptr || destroying_) {
    close(fd);
    return;
  }
  if (connections_.size() + pending_peers_.size() >= services_.limits.max_connections) {
    close(fd);
    ++refused_connections_;
    uint64_t now = uv_now(loop_);
    if (last_refusal_log_ms_ == 0 || now - last_refusal_log_ms_ >= kRefusalLogIntervalMs) {
      spdlog::warn("refused {} connection(s) (the last from {}): {} are open "
                   "(limits.max_connections)",
                   refused_connections_, peer.text, services_.limits.max_connections);
      last_refusal_log_ms_ = now;
      refused_connections_ = 0;
    }
    return;
  }
  lws* wsi = lws_adopt_socket_vhost(vhost_, fd);
  if (wsi == nullptr) {
    // lws closes the socket itself when adoption fails.
    spdlog::warn("cannot take the connection from {}", peer.text);
    return;
  }
  // No callback of this wsi runs before its first read on the loop.
  pending_peers_[wsi] = peer;
  // Until its upgrade completes (lws clears the timeout then). A plain HTTP
  // request gets the same bound for its headers.
  // Whole seconds (lws_set_timeout_us is not exported by lws 4.1.6), rounded up.
  lws_set_timeout(wsi, kHandshakeTimeout,
                  static_cast<int>((services_.limits.handshake_timeout_ms + 999) / 1000));
}

void WsServer::shutdownConnections() {
  auto live = connections_;
  for (ClientConnection* c : live) c->shutdown();
}

void WsServer::noticeDraining(const std::string& text) {
  for (ClientConnection* c : connections_) c->noticeDraining(text);
}

int WsServer::onEstablished(lws* wsi, ClientConnection** slot) {
  net::PeerAddress peer{"unknown", false, std::nullopt};
  if (auto it = pending_peers_.find(wsi); it != pending_peers_.end()) {
    peer = it->second;
    pending_peers_.erase(it);
  }
  auto it = pending_principals_.find(wsi);
  if (it == pending_principals_.end()) {
    spdlog::error("refused a WebSocket from {} that was never authenticated", peer.text);
    return -1;  // Fail closed: cannot happen unless lws skipped CONFIRM_UPGRADE.
  }
  auth::Principal principal = std::move(it->second);
  pending_principals_.erase(it);
  *slot = new ClientConnection(wsi, services_, peer, std::move(principal));
  connections_.insert(*slot);
  return 0;
}

void WsServer::onClosed(ClientConnection** slot) {
  ClientConnection* connection = std::exchange(*slot, nullptr);
  if (connection == nullptr) return;
  connections_.erase(connection);
  connection->onClosed();
  deleter_.deferDelete(std::unique_ptr<loop::Deferred>(connection));
}

int WsServer::onConfirmUpgrade(lws* wsi) {
  pending_principals_.erase(wsi);
  net::PeerAddress peer{"unknown", false, std::nullopt};
  if (auto it = pending_peers_.find(wsi); it != pending_peers_.end()) peer = it->second;
  bool too_long = false;
  auth::UpgradeHeaders headers{copyHeader(wsi, WSI_TOKEN_HTTP_AUTHORIZATION, too_long),
                               copyHeader(wsi, WSI_TOKEN_HTTP_COOKIE, too_long),
                               copyHeader(wsi, WSI_TOKEN_ORIGIN, too_long)};
  if (too_long) return refuseUpgrade(wsi, peer, HTTP_STATUS_UNAUTHORIZED, "unauthenticated",
                                     "a credential header is too long");
  // A browser page of any site may open a WebSocket to us: only the
  // origins the operator named may (cross-site WebSocket hijacking).
  if (headers.origin && std::find(services_.allowed_origins.begin(), services_.allowed_origins.end(),
                                  *headers.origin) == services_.allowed_origins.end()) {
    return refuseUpgrade(wsi, peer, HTTP_STATUS_FORBIDDEN, "deny",
                         "cross-origin: the Origin " + quotePeerText(*headers.origin) +
                             " is not in auth.allowed_origins");
  }
  auto principal = principalOf(peer, headers);
  if (!principal) {
    return refuseUpgrade(wsi, peer, HTTP_STATUS_UNAUTHORIZED, "unauthenticated",
                         principal.error().message);
  }
  if (size_t open = connectionsOf(principal->uid);
      principal->authenticated && open >= services_.limits.max_connections_per_principal) {
    return refuseUpgrade(wsi, peer, kHttpTooManyRequests, "deny",
                         principal->uid + " already has " + std::to_string(open) +
                             " connections (limits.max_connections_per_principal)");
  }
  pending_principals_[wsi] = std::move(*principal);
  return 0;
}

Result<auth::Principal> WsServer::principalOf(const net::PeerAddress& peer,
                                              const auth::UpgradeHeaders& headers) {
  bool has_token = headers.authorization || headers.cookie;
  if (services_.auth != nullptr && (has_token || !peer.local)) {
    return services_.auth->authenticate(headers, auth::unixNow());
  }
  if (peer.text.starts_with("unix:")) {
    if (!peer.local) return Error{"the caller on the Unix socket could not be identified"};
    return auth::Principal::localCaller(localIdentity(*peer.local));
  }
  // TCP without [auth]: the daemon started only with --insecure-no-auth.
  return auth::Principal::anonymous();
}

size_t WsServer::connectionsOf(const std::string& uid) const {
  size_t n = 0;
  for (const ClientConnection* c : connections_) n += c->principal().uid == uid;
  for (const auto& [wsi, p] : pending_principals_) n += p.uid == uid;
  return n;
}

int WsServer::refuseUpgrade(lws* wsi, const net::PeerAddress& peer, unsigned status,
                            const std::string& verdict, const std::string& why) {
  if (services_.metrics != nullptr) services_.metrics->decision(verdict);
  spdlog::info("refused a WebSocket upgrade from {}: {}", peer.text, why);
  if (services_.auth != nullptr) {
    // Never the header values: they hold the token.
    services_.auth->audit().record(
        auth::AuditEvent{"decision", "", "connect", "", "", verdict, why, "", peer.text});
  }
  std::string body = (status == HTTP_STATUS_FORBIDDEN           ? "forbidden: "
                      : status == kHttpTooManyRequests ? "too many connections: "
                                                                : verdict + ": ") +
                     why;
  if (lws_return_http_status(wsi, status, body.c_str())) return -1;
  return 1;
}

int WsServer::onHttpRequest(lws* wsi, const char* path) {
  if (services_.http == nullptr || path == nullptr) return 1;
  auto response = services_.http->get(path);
  if (!response) return 1;
  uint8_t buffer[LWS_PRE + 512];
  uint8_t* start = buffer + LWS_PRE;
  uint8_t* p = start;
  uint8_t* end = buffer + sizeof buffer;
  if (lws_add_http_common_headers(wsi, static_cast<unsigned>(response->status),
                                  response->content_type.c_str(), response->body.size(), &p,
                                  end) ||
      lws_finalize_write_http_header(wsi, start, &p, end)) {
    return -1;
  }
  http_responses_[wsi] = PendingHttp{std::move(response->body), 0};
  lws_callback_on_writable(wsi);
  return 0;
}

int WsServer::onHttpWritable(lws* wsi) {
  auto it = http_responses_.find(wsi);
  if (it == http_responses_.end()) return 0;
  PendingHttp& pending = it->second;
  // One lws_write per WRITEABLE (R12), a bounded chunk each.
  size_t n = std::min(pending.body.size() - pending.sent, kHttpChunkBytes);
  bool last = pending.sent + n == pending.body.size();
  std::vector<uint8_t> buffer(LWS_PRE + n);
  std::memcpy(buffer.data() + LWS_PRE, pending.body.data() + pending.sent, n);
  if (lws_write(wsi, buffer.data() + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) <
      static_cast<int>(n)) {
    return -1;
  }
  pending.sent += n;
  if (!last) {
    lws_callback_on_writable(wsi);
    return 0;
  }
  http_responses_.erase(it);
  return lws_http_transaction_completed(wsi) ? -1 : 0;
}

int WsServer::onLwsHttp(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len) {
  switch (reason) {
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
      if (WsServer* server = serverOf(wsi)) return server->onConfirmUpgrade(wsi);
      return -1;
    case LWS_CALLBACK_HTTP:
      if (WsServer* server = serverOf(wsi)) {
        if (int handled = server->onHttpRequest(wsi, static_cast<const char*>(in)); handled <= 0) {
          return handled;
        }
      }
      if (lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, nullptr)) return -1;
      return lws_http_transaction_completed(wsi) ? -1 : 0;
    case LWS_CALLBACK_HTTP_WRITEABLE:
      if (WsServer* server = serverOf(wsi)) return server->onHttpWritable(wsi);
      return -1;
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
      spdlog::info("refused a WebSocket without the {} subprotocol", proto::kSubprotocol);
      return -1;
    case LWS_CALLBACK_WSI_DESTROY: {
      // A socket that never became a WebSocket.
      if (WsServer* server = serverOf(wsi)) {
        // By wsi: its fd may already be closed (and reused) here.
        server->pending_peers_.erase(wsi);
        server->pending_principals_.erase(wsi);
        server->http_responses_.erase(wsi);
      }
      return 0;
    }
    default:
      return lws_callback_http_dummy(wsi, reason, user, in, len);
  }
}

int WsServer::onLwsAirlock(lws* wsi, lws_callback_reasons reason, void* user, void* in,
                           size_t len) {
  auto** slot = static_cast<ClientConnection**>(user);
  WsServer* server = serverOf(wsi);
  switch (reason) {
    case LWS_CALLBACK_ESTABLISHED:
      return server->onEstablished(wsi, slot);
    case LWS_CALLBACK_RECEIVE:
      return *slot ? (*slot)->onReceive(static_cast<const uint8_t*>(in), len) : -1;
    case LWS_CALLBACK_SERVER_WRITEABLE:
      return *slot ? (*slot)->onWritable() : -1;
    case LWS_CALLBACK_CLOSED:
      server->onClosed(slot);
      return 0;
    case LWS_CALLBACK_WSI_DESTROY:
      // An upgrade that failed after it was confirmed ends here, not in http.
      if (server != nullptr) {
        server->pending_peers_.erase(wsi);
        server->pending_principals_.erase(wsi);
      }
      return 0;
    default:
      return 0;
  }
}

}  // namespace airlock::ws
