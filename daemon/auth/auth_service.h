// AuthService: authentication and authorization assembled from the [auth]
// config, the one path every question goes through: the daemon's upgrades
// and OPENs, `airlock can-i`, and `airlockd check-access`. Owns the key
// source, the token verifier, the permission source, the Authorizer and the
// audit log. Built from config::AuthConfig, so it lives in airlock_daemon.
// Owned by the Daemon (or check-access); loop thread only (the fetches it
// starts run in libuv's thread pool).
#pragma once

#include <uv.h>

#include <functional>
#include <memory>
#include <optional>

#include "airlock/result.h"
#include "auth/access_request.h"
#include "auth/audit_log.h"
#include "auth/authorizer.h"
#include "auth/delegation_issuer.h"
#include "auth/key_source.h"
#include "auth/permission_source.h"
#include "auth/principal.h"
#include "auth/token_extractor.h"
#include "auth/token_verifier.h"
#include "config/auth_config.h"

namespace airlock::auth {

class AuthService {
 public:
  // `loop` may be null for check-access (blocking lookups only).
  static Result<std::unique_ptr<AuthService>> create(const config::AuthConfig& config,
                                                     uv_loop_t* loop);

  // Daemon: starts the first JWKS URL fetch, if any.
  void start();
  // check-access: fetches the JWKS URL now, if any.
  Result<void> fetchKeysNow();

  // Verifies the upgrade's credentials (an unknown kid starts a bounded
  // key refresh; the caller retries). Errors are safe to show the caller.
  Result<Principal> authenticate(const UpgradeHeaders& headers, int64_t now);
  Result<Principal> authenticateToken(const std::string& token, int64_t now);

  // Decides on the loop thread; `done` may run before this returns.
  void authorize(const Principal& principal, const AccessRequest& request,
                 std::function<void(Decision)> done);
  // The same, blocking (check-access).
  Decision authorizeBlocking(const Principal& principal, const AccessRequest& request);

  // Mints a delegation token for `caller` if the caller is a super admin
  // (see issueDelegation); `done` runs on the loop thread, possibly before
  // this returns.
  void issueDelegation(const Principal& caller, const DelegationOrder& order,
                       std::function<void(Result<IssuedDelegation>)> done);
  // The same, blocking (`airlockd issue-delegation`).
  Result<IssuedDelegation> issueDelegationBlocking(const Principal& caller,
                                                   const DelegationOrder& order);

  // SIGHUP: re-reads the policy file (the old one stays if the new one is bad).
  Result<void> reload();
  // SIGHUP: reloads the verification keys from `config`'s key source (the
  // file again, or a changed one; a JWKS URL is refetched), or from the
  // source in use when `config` is null, in the thread pool. The new keys
  // replace the old ones only if they load; `done` gets how many keys are in
  // use now, or why the old ones stay.
  void reloadKeys(const config::AuthConfig* config, std::function<void(Result<size_t>)> done);
  AuditLog& audit() { return audit_; }

 private:
  AuthService(const config::AuthConfig& config, uv_loop_t* loop);

  uv_loop_t* loop_;
  std::vector<std::string> allowed_origins_;
  std::unique_ptr<KeySource> keys_;
  TokenVerifier verifier_;
  std::unique_ptr<PermissionSource> permissions_;
  std::unique_ptr<Authorizer> authorizer_;
  AuditLog audit_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// Unix seconds now (system clock).
int64_t unixNow();

}  // namespace airlock::auth
