#include "auth/issue_delegation_command.h"

#include <ostream>

#include <CLI/CLI.hpp>

#include "auth/auth_service.h"
#include "auth/offline_command.h"
#include "config/config.h"

namespace airlock::auth {
namespace {

constexpr int kExitUsage = kOfflineExitUsage;
constexpr int kExitConfig = 78;
constexpr int kExitDenied = 1;
constexpr int kExitUnauthenticated = 2;

struct IssueFlags {
  std::string config_file;
  std::vector<std::string> overrides;
  std::string token;
  std::string token_file;
  std::string task_id;
  std::string delegate;
  int64_t lifetime_s = 0;
  int64_t now = 0;
};

void addFlags(CLI::App& app, IssueFlags& f) {
  app.add_option("--config", f.config_file, "airlockd's TOML config file");
  app.add_option("-o", f.overrides, "section.key=value, as for airlockd")->allow_extra_args(false);
  auto* token = app.add_option("--token", f.token, "the issuer's own DC/OS token");
  auto* token_file = app.add_option("--token-file", f.token_file, "file holding the issuer's token");
  token->excludes(token_file);
  app.add_option("--task-id", f.task_id, "the one task the delegation opens")->required();
  app.add_option("--to", f.delegate, "the one user the delegation is for")->required();
  app.add_option("--lifetime-s", f.lifetime_s,
                 "seconds (default: 3600 or delegation_max_lifetime_s if smaller)")
      ->check(CLI::Range(int64_t{1}, int64_t{7 * 24 * 3600}));
  app.add_option("--now", f.now, "issue as if at this unix time");
}

Result<std::string> issuerToken(const IssueFlags& f) {
  if (!f.token.empty()) return f.token;
  return readTokenFile(f.token_file);
}

}  // namespace

int runIssueDelegation(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"airlockd issue-delegation: mint a delegation token offline (super admins only)"};
  app.name("airlockd issue-delegation");
  IssueFlags flags;
  addFlags(app, flags);
  if (auto done = parseOfflineArgs(app, "issue-delegation", args, out, err)) return *done;
  if (flags.token.empty() && flags.token_file.empty()) {
    err << "issue-delegation: one of --token, --token-file is required (the issuer's own token)\n";
    return kExitUsage;
  }
  auto config = config::loadConfig(flags.config_file, flags.overrides);
  if (!config) {
    err << "issue-delegation: " << config.error().message << "\n";
    return kExitConfig;
  }
  if (!config->auth.enabled()) {
    err << "unauthenticated: authentication is not configured (set auth.public_key_file, "
           "auth.jwks_file or auth.jwks_url)\n";
    return kExitUnauthenticated;
  }
  auto service = AuthService::create(config->auth, nullptr);
  if (!service) {
    err << "issue-delegation: " << service.error().message << "\n";
    return kExitConfig;
  }
  int64_t now = flags.now != 0 ? flags.now : unixNow();
  auto token = issuerToken(flags);
  Result<void> keys = (*service)->fetchKeysNow();
  if (!keys || !token) {
    err << "unauthenticated: " << (!keys ? "cannot load the verification keys: " + keys.error().message
                                         : token.error().message)
        << "\n";
    return kExitUnauthenticated;
  }
  auto issuer = (*service)->authenticateToken(*token, now);
  if (!issuer) {
    err << "unauthenticated: " << issuer.error().message << "\n";
    return kExitUnauthenticated;
  }
  auto issued = (*service)->issueDelegationBlocking(
      *issuer, DelegationOrder{flags.task_id, flags.delegate, flags.lifetime_s, now});
  if (!issued) {
    err << "deny: " << issued.error().message << "\n";
    return kExitDenied;
  }
  out << issued->token << "\n";
  err << "delegation for " << issued->claims.delegate << " on task " << issued->claims.task_id
      << " until " << issued->claims.expires_at << " (unix), issued by " << issued->claims.issuer
      << "\n";
  return 0;
}

}  // namespace airlock::auth
