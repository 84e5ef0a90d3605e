#include "auth/check_access.h"

#include <ostream>

#include <CLI/CLI.hpp>

#include "auth/auth_service.h"
#include "auth/offline_command.h"
#include "config/config.h"

namespace airlock::auth {
namespace {

constexpr int kExitUsage = kOfflineExitUsage;
constexpr int kExitConfig = 78;

struct CheckAccessFlags {
  std::string config_file;
  std::vector<std::string> overrides;
  std::string token;
  std::string token_file;
  std::string authorization;
  std::string operation;
  std::string app_id;
  std::string task_id;
  std::string task_user;
  std::string run_as;
  std::string role;
  std::vector<std::string> labels;
  std::string delegation;
  int64_t now = 0;
};

void addFlags(CLI::App& app, CheckAccessFlags& f) {
  app.add_option("--config", f.config_file, "airlockd's TOML config file");
  app.add_option("-o", f.overrides, "section.key=value, as for airlockd")->allow_extra_args(false);
  auto* token = app.add_option("--token", f.token, "the caller's JWT");
  auto* token_file = app.add_option("--token-file", f.token_file, "file holding the JWT");
  auto* header = app.add_option("--authorization", f.authorization,
                                "an Authorization header value: 'token=JWT' or 'Bearer JWT'");
  token->excludes(token_file)->excludes(header);
  token_file->excludes(header);
  app.add_option("--operation", f.operation, "exec, exec-stdin, exec-tty or watch")
      ->required()
      ->check(CLI::IsMember({"exec", "exec-stdin", "exec-tty", "watch"}));
  app.add_option("--app-id", f.app_id, "the task's app id (DCOS_SPACE), e.g. /prod/web")->required();
  app.add_option("--task-id", f.task_id);
  app.add_option("--task-user", f.task_user, "the task's user (empty: unset)");
  app.add_option("--run-as", f.run_as, "run the session as this user");
  app.add_option("--role", f.role, "the task's Mesos role (default *)");
  app.add_option("--label", f.labels, "a task label K=V (repeatable)")->allow_extra_args(false);
  app.add_option("--delegation", f.delegation, "a delegation token");
  app.add_option("--now", f.now, "decide as if at this unix time");
}

Result<AccessRequest> buildRequest(const CheckAccessFlags& f) {
  AccessRequest r;
  r.operation = *parseOperation(f.operation);
  r.app_id = f.app_id;
  r.task_id = f.task_id;
  r.task_user = f.task_user;
  r.run_as = f.run_as;
  r.role = f.role;
  r.delegation = f.delegation;
  r.now = f.now != 0 ? f.now : unixNow();
  for (const std::string& label : f.labels) {
    size_t eq = label.find('=');
    if (eq == std::string::npos || eq == 0) return Error{"--label '" + label + "' is not K=V"};
    r.labels[label.substr(0, eq)] = label.substr(eq + 1);
  }
  return r;
}

Result<std::string> readToken(const CheckAccessFlags& f) {
  if (!f.token.empty()) return f.token;
  if (!f.authorization.empty()) return tokenFromAuthorization(f.authorization);
  return readTokenFile(f.token_file);
}

}  // namespace

int runCheckAccess(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"airlockd check-access: explain a decision offline"};
  app.name("airlockd check-access");
  CheckAccessFlags flags;
  addFlags(app, flags);
  if (auto done = parseOfflineArgs(app, "check-access", args, out, err)) return *done;
  if (flags.token.empty() && flags.token_file.empty() && flags.authorization.empty()) {
    err << "check-access: one of --token, --token-file, --authorization is required\n";
    return kExitUsage;
  }
  auto request = buildRequest(flags);
  if (!request) {
    err << "check-access: " << request.error().message << "\n";
    return kExitUsage;
  }
  auto config = config::loadConfig(flags.config_file, flags.overrides);
  if (!config) {
    err << "check-access: " << config.error().message << "\n";
    return kExitConfig;
  }
  Decision decision = Decision::unauthenticated(
      "authentication is not configured (set auth.public_key_file, auth.jwks_file or auth.jwks_url)");
  if (config->auth.enabled()) {
    auto service = AuthService::create(config->auth, nullptr);
    if (!service) {
      err << "check-access: " << service.error().message << "\n";
      return kExitConfig;
    }
    if (auto fetched = (*service)->fetchKeysNow(); !fetched) {
      decision = Decision::unauthenticated("cannot load the verification keys: " + fetched.error().message);
    } else if (auto token = readToken(flags); !token) {
      decision = Decision::unauthenticated(token.error().message);
    } else if (auto principal = (*service)->authenticateToken(*token, request->now); !principal) {
      decision = Decision::unauthenticated(principal.error().message);
    } else {
      decision = (*service)->authorizeBlocking(*principal, *request);
    }
  }
  out << decision.line() << "\n";
  return decision.exitCode();
}

}  // namespace airlock::auth
