// airlockd: flags and config -> Daemon -> run -> exit code. Wiring only.
#include <uv.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "auth/auth_service.h"
#include "auth/check_access.h"
#include "auth/issue_delegation_command.h"
#include "config/config.h"
#include "config/env_overrides.h"
#include "daemon.h"
#include "service/journal_sink.h"

extern char** environ;

namespace {

struct Flags {
  std::string config_file;
  std::string listen;
  std::string log_level;
  bool insecure_no_auth = false;
  std::string backend;
  std::string agent_url;
  std::string recordings;
  std::vector<std::string> overrides;  // -o section.key=value
  std::vector<std::string> env_overrides;  // AIRLOCK_SECTION_KEY=value, applied before -o
  std::string check_config;               // --check-config FILE
};

airlock::Result<airlock::config::Config> loadConfig(const Flags& flags) {
  airlock::config::Config config;
  // Precedence: file < environment < -o < the dedicated flags below.
  std::vector<std::string> overrides = flags.env_overrides;
  overrides.insert(overrides.end(), flags.overrides.begin(), flags.overrides.end());
  auto loaded = airlock::config::loadConfig(flags.config_file, overrides);
  if (!loaded) return loaded.error();
  config = std::move(*loaded);
  if (!flags.recordings.empty()) config.recording.dir = flags.recordings;
  if (!flags.listen.empty()) {
    if (auto r = airlock::config::applyListenAddress(flags.listen, config); !r) {
      return airlock::Error{"--listen: " + r.error().message};
    }
  }
  if (!flags.log_level.empty()) config.log_level = flags.log_level;
  if (flags.insecure_no_auth) config.insecure_no_auth = true;
  if (!flags.backend.empty()) config.backend = flags.backend;
  if (!flags.agent_url.empty()) config.agent.url = flags.agent_url;
  return config;
}

// --check-config: what the daemon would run with (file, environment, -o),
// including the [auth] key and policy files. 0 when good, 78 naming the key.
int checkConfig(Flags flags) {
  flags.config_file = flags.check_config;
  auto config = loadConfig(flags);
  if (config && config->auth.enabled()) {
    if (auto auth = airlock::auth::AuthService::create(config->auth, nullptr); !auth) {
      config = airlock::Error{"auth: " + auth.error().message};
    }
  }
  if (!config) {
    std::cerr << "airlockd: " << flags.check_config << ": " << config.error().message << "\n";
    return airlock::kExitConfig;
  }
  std::cout << flags.check_config << ": config OK\n";
  return airlock::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "check-access") {
    return airlock::auth::runCheckAccess(std::vector<std::string>(argv + 2, argv + argc), std::cout,
                                         std::cerr);
  }
  if (argc > 1 && std::string(argv[1]) == "issue-delegation") {
    return airlock::auth::runIssueDelegation(std::vector<std::string>(argv + 2, argv + argc),
                                             std::cout, std::cerr);
  }
  CLI::App app{"airlockd: the exec daemon of a Mesos agent (local backend by default)"};
  Flags flags;
  app.add_option("--config", flags.config_file, "TOML config file")->check(CLI::ExistingFile);
  app.add_option("--listen", flags.listen,
                 "unix:/PATH (default unix:/run/airlockd/airlockd.sock) or HOST:PORT to listen "
                 "on (port 0 picks one; TCP needs [auth] or --insecure-no-auth)");
  app.add_option("--recordings", flags.recordings,
                 "directory of the session recordings (recording.dir)");
  app.add_option("--log-level", flags.log_level, "trace, debug, info, warn or error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  app.add_flag("--insecure-no-auth", flags.insecure_no_auth,
               "let a TCP listener run without [auth]: anyone who can connect runs anything "
               "(dangerous; never turns a configured [auth] off)");
  app.add_option("--backend", flags.backend, "where sessions run: local (this host) or mesos")
      ->check(CLI::IsMember({"local", "mesos"}));
  app.add_option("--agent-url", flags.agent_url,
                 "Mesos agent operator API (mesos backend), e.g. http://127.0.0.1:5051/api/v1");
  app.add_option("-o", flags.overrides, "override a config key: section.key=value (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--check-config", flags.check_config,
                 "check a config file (with AIRLOCK_* and -o applied) and exit: 0 good, 78 bad");
  app.footer("Config keys can also be set as AIRLOCK_<SECTION>_<KEY>=value (e.g. "
             "AIRLOCK_LIMITS_DRAIN_GRACE_MS=30000); precedence: file < environment < flags. "
             "AIRLOCK_CONFIG names the config file when --config is not given.\n"
             "Subcommands: airlockd check-access --help (explain an authorization decision), "
             "airlockd issue-delegation --help (mint a delegation token offline)");
  app.set_version_flag("--version", "airlockd " AIRLOCK_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : airlock::kExitUsage;
  }

  flags.env_overrides = airlock::config::envOverrides(environ);
  if (flags.config_file.empty() && std::getenv("AIRLOCK_CONFIG") != nullptr) {
    flags.config_file = std::getenv("AIRLOCK_CONFIG");
  }
  if (!flags.check_config.empty()) return checkConfig(flags);
  auto logger = airlock::service::makeDaemonLogger("airlockd");
  spdlog::set_default_logger(logger);
  auto config = loadConfig(flags);
  if (!config) {
    spdlog::error("{}", config.error().message);
    return airlock::kExitConfig;
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level));
  std::signal(SIGPIPE, SIG_IGN);  // Children get default dispositions back.

  uv_loop_t loop;
  uv_loop_init(&loop);
  auto daemon = std::make_unique<airlock::Daemon>(&loop, std::move(*config));
  daemon->setConfigLoader([flags] { return loadConfig(flags); });
  int code = airlock::kExitOk;
  if (auto started = daemon->start(); !started) {
    spdlog::error("{}", started.error().message);
    code = started.error().code;
  } else {
    code = daemon->run();
  }
  daemon.reset();
  uv_run(&loop, UV_RUN_DEFAULT);  // Let the closed handles' callbacks run.
  if (int rc = uv_loop_close(&loop); rc != 0) {
    spdlog::error("event loop still had open handles at exit: {}", uv_strerror(rc));
    return airlock::kExitInternal;
  }
  spdlog::info("airlockd stopped");
  return code;
}
