#include "client/cli/cli_options.h"

#include <string_view>

#include "client/cli/exit_codes.h"

namespace airlock::client {
namespace {

Error usage(std::string message) { return Error{std::move(message), kExitUsage}; }

// Reads the value of `--name VALUE` or `--name=VALUE` at `args[i]`.
Result<std::string> flagValue(const std::vector<std::string>& args, size_t& i,
                              std::string_view name) {
  std::string_view arg = args[i];
  if (arg.size() > name.size() && arg[name.size()] == '=') {
    return std::string(arg.substr(name.size() + 1));
  }
  if (i + 1 >= args.size()) return usage(std::string(name) + " needs a value");
  return args[++i];
}

bool isFlag(std::string_view arg, std::string_view name) {
  return arg == name || (arg.starts_with(name) && arg.size() > name.size() && arg[name.size()] == '=');
}

Result<void> addEnv(ExecOptions& exec, const std::string& assignment) {
  size_t eq = assignment.find('=');
  if (eq == 0 || eq == std::string::npos) {
    return usage("-e wants NAME=VALUE, got \"" + assignment + "\"");
  }
  exec.env.emplace_back(assignment.substr(0, eq), assignment.substr(eq + 1));
  return {};
}

// Short flags may be bundled: -it, -ti, -iu root, -uroot, -eK=V.
Result<void> parseShortFlags(const std::vector<std::string>& args, size_t& i, ExecOptions& exec) {
  const std::string& arg = args[i];
  for (size_t k = 1; k < arg.size(); ++k) {
    char c = arg[k];
    if (c == 'i') {
      exec.interactive = true;
    } else if (c == 't') {
      exec.tty = true;
    } else if (c == 'u' || c == 'e') {
      std::string value = arg.substr(k + 1);
      if (value.empty()) {
        if (i + 1 >= args.size()) return usage(std::string("-") + c + " needs a value");
        value = args[++i];
      }
      if (c == 'u') {
        exec.user = value;
        return {};
      }
      return addEnv(exec, value);
    } else {
      return usage(std::string("unknown flag -") + c + " for exec");
    }
  }
  return {};
}

Result<void> parseExec(const std::vector<std::string>& args, size_t i, ExecOptions& exec) {
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--interactive") {
      exec.interactive = true;
    } else if (arg == "--tty") {
      exec.tty = true;
    } else if (isFlag(arg, "--user")) {
      auto value = flagValue(args, i, "--user");
      if (!value) return value.error();
      exec.user = *value;
    } else if (isFlag(arg, "--env")) {
      auto value = flagValue(args, i, "--env");
      if (!value) return value.error();
      if (auto added = addEnv(exec, *value); !added) return added;
    } else if (isFlag(arg, "--delegation")) {
      auto value = flagValue(args, i, "--delegation");
      if (!value) return value.error();
      exec.delegation = *value;
    } else if (arg == "--") {
      return usage("exec needs a TARGET before --");
    } else if (arg.size() > 1 && arg[0] == '-') {
      if (arg.starts_with("--")) return usage("unknown flag " + arg + " for exec");
      if (auto parsed = parseShortFlags(args, i, exec); !parsed) return parsed;
    } else {
      break;  // TARGET: flags stop here.
    }
  }
  if (i >= args.size()) return usage("exec needs a TARGET and a command");
  exec.target = args[i++];
  if (i < args.size() && args[i] == "--") ++i;
  exec.argv.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  if (exec.argv.empty()) return usage("exec needs a command after the TARGET (airlock exec " +
                                      exec.target + " -- CMD [ARGS...])");
  return {};
}

}  // namespace

// `can-i [--operation OP] [-u USER] [--delegation TOKEN] TARGET`.
static Result<void> parseCanI(const std::vector<std::string>& args, size_t i, CanIOptions& out) {
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (isFlag(arg, "--operation")) {
      auto value = flagValue(args, i, "--operation");
      if (!value) return value.error();
      if (*value != "exec" && *value != "exec-stdin" && *value != "exec-tty" && *value != "watch") {
        return usage("--operation must be exec, exec-stdin, exec-tty or watch");
      }
      out.operation = *value;
    } else if (isFlag(arg, "-u") || isFlag(arg, "--user")) {
      auto value = flagValue(args, i, arg.starts_with("--") ? "--user" : "-u");
      if (!value) return value.error();
      out.user = *value;
    } else if (isFlag(arg, "--delegation")) {
      auto value = flagValue(args, i, "--delegation");
      if (!value) return value.error();
      out.delegation = *value;
    } else if (arg.starts_with("-")) {
      return usage("unknown can-i flag " + arg);
    } else if (out.target.empty()) {
      out.target = arg;
    } else {
      return usage("can-i takes one TARGET");
    }
  }
  if (out.target.empty()) return usage("can-i needs a TARGET");
  return {};
}

// `delegate --to USER [--for DURATION] TARGET` (flags before or after TARGET).
static Result<void> parseDelegate(const std::vector<std::string>& args, size_t i,
                                  DelegateOptions& out) {
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (isFlag(arg, "--to")) {
      auto value = flagValue(args, i, "--to");
      if (!value) return value.error();
      out.delegate = *value;
    } else if (isFlag(arg, "--for")) {
      auto value = flagValue(args, i, "--for");
      if (!value) return value.error();
      auto seconds = parseDuration(*value);
      if (!seconds) return usage("--for: " + seconds.error().message);
      out.lifetime_s = *seconds;
    } else if (arg.starts_with("-")) {
      return usage("unknown delegate flag " + arg);
    } else if (out.target.empty()) {
      out.target = arg;
    } else {
      return usage("delegate takes one TARGET");
    }
  }
  if (out.target.empty()) return usage("delegate needs a TARGET (the task)");
  if (out.delegate.empty()) return usage("delegate needs --to USER");
  return {};
}

Result<CliOptions> parseCommandLine(const std::vector<std::string>& args, const char* env_url,
                                    const char* env_token_file) {
  CliOptions options;
  if (env_url != nullptr && *env_url != '\0') options.url = env_url;
  if (env_token_file != nullptr && *env_token_file != '\0') options.token_file = env_token_file;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") return options;  // kHelp.
    if (arg == "--version") {
      options.command = CliOptions::Command::kVersion;
      return options;
    }
    if (arg == "-v" || arg == "--verbose") {
      options.verbose = true;
    } else if (isFlag(arg, "--url")) {
      auto value = flagValue(args, i, "--url");
      if (!value) return value.error();
      options.url = *value;
    } else if (isFlag(arg, "--token-file")) {
      auto value = flagValue(args, i, "--token-file");
      if (!value) return value.error();
      options.token_file = *value;
    } else if (arg.starts_with("-")) {
      return usage("unknown flag " + arg);
    } else {
      break;
    }
  }
  if (i >= args.size()) return usage("no command given");
  const std::string& command = args[i];
  if (command == "help") return options;
  if (command == "ls") {
    if (i + 1 < args.size()) {
      if (args[i + 1] == "-h" || args[i + 1] == "--help") return options;
      return usage("ls takes no arguments");
    }
    options.command = CliOptions::Command::kList;
    return options;
  }
  if (command == "can-i") {
    if (auto parsed = parseCanI(args, i + 1, options.can_i); !parsed) return parsed.error();
    options.command = CliOptions::Command::kCanI;
    return options;
  }
  if (command == "delegate") {
    if (auto parsed = parseDelegate(args, i + 1, options.delegate); !parsed) return parsed.error();
    options.command = CliOptions::Command::kDelegate;
    return options;
  }
  if (command == "watch") {
    if (i + 1 < args.size() && (args[i + 1] == "-h" || args[i + 1] == "--help")) return options;
    if (i + 2 != args.size() || args[i + 1].empty() || args[i + 1].starts_with("-")) {
      return usage("watch needs exactly one SESSION_ID (see `airlock ls`)");
    }
    options.exec.watch_session = args[i + 1];
    options.command = CliOptions::Command::kWatch;
    return options;
  }
  if (command == "exec") {
    if (i + 1 < args.size() && (args[i + 1] == "-h" || args[i + 1] == "--help")) return options;
    if (auto parsed = parseExec(args, i + 1, options.exec); !parsed) return parsed.error();
    options.command = CliOptions::Command::kExec;
    return options;
  }
  return usage("unknown command \"" + command + "\"");
}

std::string usageText() {
  return R"(airlock: run commands through airlockd

Usage:
  airlock [--url URL] [--token-file FILE] exec [-i] [-t] [-u USER] [-e NAME=VALUE]... TARGET [--] CMD [ARGS...]
  airlock [--url URL] [--token-file FILE] ls
  airlock [--url URL] [--token-file FILE] watch SESSION_ID
  airlock [--url URL] [--token-file FILE] can-i [--operation OP] [-u USER] [--delegation T] TARGET
  airlock [--url URL] [--token-file FILE] delegate TARGET --to USER [--for DURATION]
  airlock --help | --version

Commands:
  exec    Run CMD on TARGET ("host" is always there) and wait for it.
  ls      List the live sessions.
  watch   Watch a live session read-only (its buffered output, then live
          output) until it ends or you press Ctrl-C; exits with its exit code.
          Needs the watch permission on the session's target.
  can-i   Ask the daemon whether you may open a session on TARGET and which rule
          decides: prints "allow: RULE", "deny: REASON" or "unauthenticated:
          REASON" and exits 0, 1 or 2. OP is exec, exec-stdin, exec-tty (the
          default) or watch.
  delegate  Super admins only: get a token that lets USER open sessions on
          TARGET (that task only, as its user) for DURATION (90s, 30m, 2h,
          1h30m; default: 1 h or the daemon's maximum if smaller). Prints the
          token on stdout; exits 0, 1 if the daemon refuses (not a super
          admin, too long, ...), 125 if it cannot be asked.

Global flags (before the command):
  --url URL           Daemon address: unix:/PATH, ws://HOST:PORT/ or wss://HOST:PORT/
                      (env AIRLOCK_URL; default unix:/run/airlockd/airlockd.sock).
  --token-file FILE   Send "Authorization: Bearer <contents>" (env AIRLOCK_TOKEN_FILE).
  -v, --verbose       Log libwebsockets details to stderr.

exec flags (they stop at TARGET; everything after it belongs to CMD):
  -i, --interactive   Forward stdin; its end becomes the remote end of input.
                      Without -i the remote stdin is closed at once.
  -t, --tty           Run in a pseudo-terminal sized like the local one (TERM is
                      forwarded, default xterm-256color); the local terminal is in
                      raw mode, so Ctrl-C goes to the remote side. If stdin is not
                      a terminal, warns and runs without one.
  -u, --user USER     Run as USER.
  -e, --env NAME=VALUE  Set a variable (repeatable).
  --delegation TOKEN  Present a delegation token (from 'airlock delegate').

Exit status:
  The remote command's exit code (128+N if signal N killed it).
  125  airlock itself failed: bad daemon URL, connection lost, or the daemon
       refused the request (unknown target, spawn failure, ...).
  2    Bad command line.
  128+N  airlock was stopped by signal N (SIGINT, SIGTERM, SIGHUP, SIGQUIT);
       the remote session is closed.
)";
}

}  // namespace airlock::client
