#include "auth/auth_service.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "auth/delegation.h"
#include "auth/file_permission_source.h"
#include "auth/iam_permission_source.h"

namespace airlock::auth {
namespace {

// Used when neither a policy file nor an IAM URL is configured: nobody holds
// any grant, so only label rules (if enabled) can allow.
class NoPermissionSource final : public PermissionSource {
 public:
  void lookup(const std::string& uid, Done done) override { done(Subject{uid, {}, {}}); }
  Result<Subject> lookupBlocking(const std::string& uid) override { return Subject{uid, {}, {}}; }
};

KeySourceConfig keySourceConfig(const config::AuthConfig& c) {
  return KeySourceConfig{c.public_key_file, c.jwks_file,       c.jwks_url,
                         c.jwks_min_refresh_s, c.http_timeout_ms, c.ca_file};
}

Decision sourceFailure(const Error& error) {
  return Decision::deny("the permission source failed (fail closed): " + error.message);
}

}  // namespace

int64_t unixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

AuthService::AuthService(const config::AuthConfig& config, uv_loop_t* loop)
    : loop_(loop),
      allowed_origins_(config.allowed_origins),
      verifier_(TokenPolicy{config.exp_leeway_s, config.allow_missing_exp}) {}

Result<std::unique_ptr<AuthService>> AuthService::create(const config::AuthConfig& config,
                                                         uv_loop_t* loop) {
  std::unique_ptr<AuthService> self(new AuthService(config, loop));
  auto keys = KeySource::create(keySourceConfig(config));
  if (!keys) return keys.error();
  self->keys_ = std::move(*keys);

  if (!config.policy_file.empty()) {
    auto source = FilePermissionSource::create(config.policy_file);
    if (!source) return source.error();
    self->permissions_ = std::move(*source);
  } else if (!config.iam_url.empty()) {
    auto source = IamPermissionSource::create(
        loop, IamConfig{config.iam_url, config.iam_token_file, config.iam_cache_s,
                        config.http_timeout_ms, config.ca_file});
    if (!source) return source.error();
    self->permissions_ = std::move(*source);
  } else {
    self->permissions_ = std::make_unique<NoPermissionSource>();
  }

  AuthorizerConfig authz;
  authz.mode = config.mode == "permissive" ? Mode::kPermissive : Mode::kStrict;
  const auto& l = config.label_rules;
  authz.label_rules = LabelRulesConfig{l.enabled, l.super_admin_users, l.super_admin_groups,
                                       l.task_admin_label, l.allowed_task_admins, l.root_rule};
  authz.delegation_max_lifetime_s = l.delegation_max_lifetime_s;
  if (!l.delegation_secret_file.empty()) {
    auto secret = readSmallFile(l.delegation_secret_file, 4096);
    if (!secret) return secret.error();
    if (secret->size() < kMinDelegationSecretBytes) {
      return Error{"auth.label_rules.delegation_secret_file: the secret must be at least 32 bytes"};
    }
    authz.delegation_secret = std::move(*secret);
  }
  self->authorizer_ = std::make_unique<Authorizer>(std::move(authz));
  if (auto r = self->audit_.open(config.audit_log, config.audit_to_log); !r) return r.error();
  return self;
}

void AuthService::start() {
  if (loop_ != nullptr) keys_->refresh(loop_);
}

Result<void> AuthService::fetchKeysNow() { return keys_->fetchNow(); }

Result<Principal> AuthService::authenticate(const UpgradeHeaders& headers, int64_t now) {
  auto token = extractToken(headers, allowed_origins_);
  if (!token) return token.error();
  return authenticateToken(*token, now);
}

Result<Principal> AuthService::authenticateToken(const std::string& token, int64_t now) {
  auto principal = verifier_.verify(token, *keys_->keys(), now);
  if (!principal && principal.error().code == static_cast<int>(TokenError::kUnknownKid) &&
      loop_ != nullptr && keys_->refresh(loop_)) {
    spdlog::info("auth: a token named an unknown key; refreshing the JWKS");
  }
  return principal;
}

void AuthService::authorize(const Principal& principal, const AccessRequest& request,
                            std::function<void(Decision)> done) {
  if (!principal.authenticated) {
    done(Decision::unauthenticated("no authenticated caller"));
    return;
  }
  std::string issuer = request.delegation.empty() ? "" : peekDelegationIssuer(request.delegation);
  std::weak_ptr<bool> alive = alive_;
  permissions_->lookup(principal.uid, [this, alive, issuer, request,
                                       done = std::move(done)](Result<Subject> subject) mutable {
    if (alive.expired()) return;
    if (!subject) return done(sourceFailure(subject.error()));
    if (issuer.empty()) return done(authorizer_->decide(*subject, request, std::nullopt));
    permissions_->lookup(issuer, [this, alive, request, subject = std::move(*subject),
                                  done = std::move(done)](Result<Subject> issuer_subject) {
      if (alive.expired()) return;
      std::optional<Subject> found;
      if (issuer_subject) found = std::move(*issuer_subject);
      done(authorizer_->decide(subject, request, found));
    });
  });
}

Decision AuthService::authorizeBlocking(const Principal& principal, const AccessRequest& request) {
  if (!principal.authenticated) return Decision::unauthenticated("no authenticated caller");
  auto subject = permissions_->lookupBlocking(principal.uid);
  if (!subject) return sourceFailure(subject.error());
  std::optional<Subject> issuer;
  if (std::string iss = request.delegation.empty() ? "" : peekDelegationIssuer(request.delegation);
      !iss.empty()) {
    if (auto found = permissions_->lookupBlocking(iss)) issuer = std::move(*found);
  }
  return authorizer_->decide(*subject, request, issuer);
}

void AuthService::issueDelegation(const Principal& caller, const DelegationOrder& order,
                                  std::function<void(Result<IssuedDelegation>)> done) {
  if (!caller.authenticated) {
    done(Error{"delegations need an authenticated caller"});
    return;
  }
  std::weak_ptr<bool> alive = alive_;
  permissions_->lookup(caller.uid, [this, alive, order, done = std::move(done)](Result<Subject> subject) {
    if (alive.expired()) return;
    if (!subject) return done(Error{sourceFailure(subject.error()).rule});
    done(auth::issueDelegation(*authorizer_, *subject, order));
  });
}

Result<IssuedDelegation> AuthService::issueDelegationBlocking(const Principal& caller,
                                                              const DelegationOrder& order) {
  if (!caller.authenticated) return Error{"delegations need an authenticated caller"};
  auto subject = permissions_->lookupBlocking(caller.uid);
  if (!subject) return Error{sourceFailure(subject.error()).rule};
  return auth::issueDelegation(*authorizer_, *subject, order);
}

Result<void> AuthService::reload() { return permissions_->reload(); }

void AuthService::reloadKeys(const config::AuthConfig* config,
                             std::function<void(Result<size_t>)> done) {
  keys_->reload(loop_, config ? keySourceConfig(*config) : keys_->config(), std::move(done));
}

}  // namespace airlock::auth
