#include "config/config.h"

#include <toml++/toml.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <set>
#include <string_view>

namespace airlock::config {
namespace {

Error keyError(std::string_view key, std::string_view what) {
  return Error{"config key '" + std::string(key) + "': " + std::string(what)};
}

Result<void> rejectUnknown(const toml::table& table, std::string_view section,
                           const std::set<std::string_view>& known) {
  for (const auto& [key, value] : table) {
    if (!known.contains(key.str())) {
      std::string full = section.empty() ? std::string(key.str())
                                         : std::string(section) + "." + std::string(key.str());
      return keyError(full, "unknown key");
    }
  }
  return {};
}

template <typename T>
Result<void> readUnsigned(const toml::table& table, std::string_view section, std::string_view key,
                          T& out, int64_t min_value = 0) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return {};
  std::string full = std::string(section) + "." + std::string(key);
  auto value = node->value<int64_t>();
  if (!node->is_integer() || !value) return keyError(full, "must be an integer");
  if (*value < min_value || static_cast<uint64_t>(*value) > std::numeric_limits<T>::max()) {
    return keyError(full, "out of range");
  }
  out = static_cast<T>(*value);
  return {};
}

Result<void> readString(const toml::table& table, std::string_view section, std::string_view key,
                        std::string& out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return {};
  if (!node->is_string()) {
    return keyError(section.empty() ? key : std::string(section) + "." + std::string(key),
                    "must be a string");
  }
  out = *node->value<std::string>();
  return {};
}

Result<void> readServer(const toml::table& t, Config& config) {
  if (auto r = rejectUnknown(t, "server", {"listen", "insecure_no_auth", "log_level",
                                           "enter_helper"});
      !r) {
    return r;
  }
  std::string listen;
  if (auto r = readString(t, "server", "listen", listen); !r) return r;
  if (!listen.empty()) {
    if (auto r = applyListenAddress(listen, config); !r) {
      return keyError("server.listen", r.error().message);
    }
  }
  if (const toml::node* node = t.get("insecure_no_auth")) {
    if (!node->is_boolean()) return keyError("server.insecure_no_auth", "must be true or false");
    config.insecure_no_auth = *node->value<bool>();
  }
  if (auto r = readString(t, "server", "log_level", config.log_level); !r) return r;
  static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error"};
  if (!kLevels.contains(config.log_level)) {
    return keyError("server.log_level", "must be one of trace, debug, info, warn, error");
  }
  return readString(t, "server", "enter_helper", config.enter_helper);
}

Result<void> readLimits(const toml::table& t, Limits& l) {
  if (auto r = rejectUnknown(t, "limits",
                             {"max_frame_bytes", "max_channels_per_connection",
                              "max_sessions_per_user", "session_buffer_bytes", "default_window",
                              "max_window", "stdin_window", "write_slice_bytes",
                              "max_control_queue_bytes", "kill_grace_ms", "exit_drain_ms",
                              "shutdown_timeout_ms", "drain_grace_ms", "watcher_lag_bytes",
                              "handshake_timeout_ms", "max_connections",
                              "max_connections_per_principal"});
      !r) {
    return r;
  }
  Result<void> results[] = {
      readUnsigned(t, "limits", "max_frame_bytes", l.max_frame_bytes, 1024),
      readUnsigned(t, "limits", "max_channels_per_connection", l.max_channels_per_connection, 1),
      readUnsigned(t, "limits", "max_sessions_per_user", l.max_sessions_per_user, 1),
      readUnsigned(t, "limits", "session_buffer_bytes", l.session_buffer_bytes, 4096),
      readUnsigned(t, "limits", "default_window", l.default_window, 1),
      readUnsigned(t, "limits", "max_window", l.max_window, 1),
      readUnsigned(t, "limits", "stdin_window", l.stdin_window, 1),
      readUnsigned(t, "limits", "write_slice_bytes", l.write_slice_bytes, 512),
      readUnsigned(t, "limits", "max_control_queue_bytes", l.max_control_queue_bytes, 4096),
      readUnsigned(t, "limits", "kill_grace_ms", l.kill_grace_ms),
      readUnsigned(t, "limits", "exit_drain_ms", l.exit_drain_ms),
      readUnsigned(t, "limits", "shutdown_timeout_ms", l.shutdown_timeout_ms),
      readUnsigned(t, "limits", "drain_grace_ms", l.drain_grace_ms),
      readUnsigned(t, "limits", "watcher_lag_bytes", l.watcher_lag_bytes, 1024),
      readUnsigned(t, "limits", "handshake_timeout_ms", l.handshake_timeout_ms, 100),
      readUnsigned(t, "limits", "max_connections", l.max_connections, 1),
      readUnsigned(t, "limits", "max_connections_per_principal", l.max_connections_per_principal, 1),
  };
  for (auto& r : results) {
    if (!r) return r;
  }
  if (l.write_slice_bytes + 16 > l.max_frame_bytes) {
    return keyError("limits.write_slice_bytes", "must be smaller than limits.max_frame_bytes");
  }
  return {};
}

// A credential kept in its own file (mode 0600, or systemd's
// LoadCredential=): the whole file, without a trailing newline. Bounded; the
// contents never appear in an error.
Result<std::string> readSecretFile(const std::string& path) {
  constexpr size_t kMaxSecretBytes = 64 * 1024;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read " + path + ": " + std::strerror(errno)};
  std::string text(kMaxSecretBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxSecretBytes) return Error{path + " is larger than 64 KiB"};
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) return Error{path + " is empty"};
  return text;
}

Result<void> readAgent(const toml::table& t, AgentConfig& a) {
  if (auto r = rejectUnknown(t, "agent",
                             {"url", "content_type", "ca_file", "principal", "secret", "token",
                              "secret_file", "token_file", "state_ttl_ms", "connect_timeout_ms", "request_timeout_ms",
                              "heartbeat_interval_ms"});
      !r) {
    return r;
  }
  Result<void> results[] = {
      readString(t, "agent", "url", a.url),
      readString(t, "agent", "content_type", a.content_type),
      readString(t, "agent", "ca_file", a.ca_file),
      readString(t, "agent", "principal", a.principal),
      readString(t, "agent", "secret", a.secret),
      readString(t, "agent", "token", a.token),
      readString(t, "agent", "secret_file", a.secret_file),
      readString(t, "agent", "token_file", a.token_file),
      readUnsigned(t, "agent", "state_ttl_ms", a.state_ttl_ms),
      readUnsigned(t, "agent", "connect_timeout_ms", a.connect_timeout_ms, 1),
      readUnsigned(t, "agent", "request_timeout_ms", a.request_timeout_ms, 1),
      readUnsigned(t, "agent", "heartbeat_interval_ms", a.heartbeat_interval_ms, 100),
  };
  for (auto& r : results) {
    if (!r) return r;
  }
  if (a.content_type != "protobuf" && a.content_type != "json") {
    return keyError("agent.content_type", "must be \"protobuf\" or \"json\"");
  }
  if (a.url.rfind("http://", 0) != 0 && a.url.rfind("https://", 0) != 0) {
    return keyError("agent.url", "must be an http:// or https:// URL");
  }
  if (!a.secret.empty() && !a.secret_file.empty()) {
    return keyError("agent.secret_file", "cannot be combined with agent.secret");
  }
  if (!a.token.empty() && !a.token_file.empty()) {
    return keyError("agent.token_file", "cannot be combined with agent.token");
  }
  if (!a.secret_file.empty()) {
    auto secret = readSecretFile(a.secret_file);
    if (!secret) return keyError("agent.secret_file", secret.error().message);
    a.secret = std::move(*secret);
  }
  if (!a.token_file.empty()) {
    auto token = readSecretFile(a.token_file);
    if (!token) return keyError("agent.token_file", token.error().message);
    a.token = std::move(*token);
  }
  if (!a.token.empty() && !a.principal.empty()) {
    return keyError("agent.token", "cannot be combined with agent.principal");
  }
  if (!a.principal.empty() && a.secret.empty()) {
    return keyError("agent.principal", "needs agent.secret or agent.secret_file");
  }
  return {};
}

Result<TargetConfig> readTarget(const toml::table& t, size_t index) {
  std::string section = "target[" + std::to_string(index) + "]";
  if (auto r = rejectUnknown(t, section, {"id", "app_id", "labels", "user", "pid", "cwd"}); !r) {
    return r.error();
  }
  TargetConfig target;
  Result<void> results[] = {readString(t, section, "id", target.id),
                            readString(t, section, "app_id", target.app_id),
                            readString(t, section, "user", target.user),
                            readString(t, section, "cwd", target.cwd)};
  for (auto& r : results) {
    if (!r) return r.error();
  }
  if (target.id.empty()) return keyError(section + ".id", "is required");
  if (const toml::node* node = t.get("pid")) {
    auto pid = node->value<int64_t>();
    if (!node->is_integer() || !pid || *pid <= 0 || *pid > 4194304) {
      return keyError(section + ".pid", "must be a process id");
    }
    target.pid = static_cast<int>(*pid);
  }
  if (const toml::node* node = t.get("labels")) {
    const toml::table* labels = node->as_table();
    if (labels == nullptr) return keyError(section + ".labels", "must be a table");
    for (const auto& [key, value] : *labels) {
      if (!value.is_string()) {
        return keyError(section + ".labels." + std::string(key.str()), "must be a string");
      }
      target.labels[std::string(key.str())] = *value.value<std::string>();
    }
  }
  return target;
}

Result<void> readTargets(const toml::node& node, Config& config) {
  const toml::array* targets = node.as_array();
  if (targets == nullptr) return keyError("target", "must be an array of tables ([[target]])");
  std::set<std::string> ids = {"host"};
  for (size_t i = 0; i < targets->size(); ++i) {
    const toml::table* t = (*targets)[i].as_table();
    if (t == nullptr) return keyError("target", "must be an array of tables ([[target]])");
    auto target = readTarget(*t, i);
    if (!target) return target.error();
    if (!ids.insert(target->id).second) {
      return keyError("target[" + std::to_string(i) + "].id",
                      "'" + target->id + "' is already defined");
    }
    config.targets.push_back(std::move(*target));
  }
  return {};
}

}  // namespace

Result<HostPort> parseHostPort(const std::string& text) {
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Error{"'" + text + "' is not [IPV6]:PORT"};
    }
    host = text.substr(1, close - 1);
    port_text = std::string_view(text).substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) return Error{"'" + text + "' is not HOST:PORT"};
    host = text.substr(0, colon);
    port_text = std::string_view(text).substr(colon + 1);
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
    return Error{"'" + std::string(port_text) + "' is not a port number (0-65535)"};
  }
  return HostPort{host, static_cast<uint16_t>(port)};
}

Result<void> applyListenAddress(const std::string& text, Config& config) {
  if (text.starts_with("unix:")) {
    std::string path = text.substr(5);
    if (path.empty() || path.front() != '/') {
      return Error{"'" + text + "' is not unix:/ABSOLUTE/PATH"};
    }
    // sockaddr_un::sun_path holds 108 bytes with its NUL.
    if (path.size() > 107) return Error{"the socket path is longer than 107 bytes"};
    config.listen_unix = path;
    return {};
  }
  auto hp = parseHostPort(text);
  if (!hp) return hp.error();
  config.listen_unix.clear();
  config.listen_host = hp->host;
  config.listen_port = hp->port;
  return {};
}

std::string listenAddressText(const Config& config) {
  if (!config.listen_unix.empty()) return "unix:" + config.listen_unix;
  return config.listen_host + ":" + std::to_string(config.listen_port);
}

Result<void> applyOverride(toml::table& root, const std::string& text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return Error{"-o '" + text + "': not section.key=value"};
  std::string key = text.substr(0, eq);
  std::string value = text.substr(eq + 1);
  toml::table* table = &root;
  size_t start = 0;
  for (size_t dot; (dot = key.find('.', start)) != std::string::npos; start = dot + 1) {
    std::string part = key.substr(start, dot - start);
    if (part.empty()) return keyError(key, "empty key part in -o");
    if (table->get(part) == nullptr) table->insert(part, toml::table{});
    table = table->get(part)->as_table();
    if (table == nullptr) return keyError(key, "-o: '" + part + "' is not a section");
  }
  std::string leaf = key.substr(start);
  if (leaf.empty()) return keyError(key, "empty key part in -o");
  // A TOML value (true, 30, ["a"], "x") if it parses as one, else a string.
  try {
    toml::table parsed = toml::parse("v = " + value);
    table->insert_or_assign(leaf, *parsed.get("v"));
  } catch (const toml::parse_error&) {
    table->insert_or_assign(leaf, value);
  }
  return {};
}

Result<Config> loadConfigFile(const std::string& path) { return loadConfig(path, {}); }

Result<Config> loadConfig(const std::string& path, const std::vector<std::string>& overrides) {
  toml::table root;
  if (!path.empty()) {
    try {
      root = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
      const auto& where = e.source().begin;
      return Error{path + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) +
                   ": " + std::string(e.description())};
    }
  }
  for (const std::string& override_text : overrides) {
    if (auto r = applyOverride(root, override_text); !r) return r.error();
  }
  Config config;
  if (auto r = rejectUnknown(root, "", {"backend", "server", "limits", "target", "agent", "auth",
                                          "recording"}); !r) {
    return r.error();
  }
  if (auto r = readString(root, "", "backend", config.backend); !r) return r.error();
  if (config.backend != "local" && config.backend != "mesos") {
    return keyError("backend", "must be \"local\" or \"mesos\"");
  }
  if (const toml::node* node = root.get("agent")) {
    if (!node->is_table()) return keyError("agent", "must be a table");
    if (auto r = readAgent(*node->as_table(), config.agent); !r) return r.error();
  }
  if (const toml::node* node = root.get("server")) {
    if (!node->is_table()) return keyError("server", "must be a table");
    if (auto r = readServer(*node->as_table(), config); !r) return r.error();
  }
  if (const toml::node* node = root.get("limits")) {
    if (!node->is_table()) return keyError("limits", "must be a table");
    if (auto r = readLimits(*node->as_table(), config.limits); !r) return r.error();
  }
  if (const toml::node* node = root.get("target")) {
    if (auto r = readTargets(*node, config); !r) return r.error();
  }
  if (const toml::node* node = root.get("auth")) {
    if (!node->is_table()) return keyError("auth", "must be a table");
    if (auto r = readAuthSection(*node->as_table(), config.auth); !r) return r.error();
  }
  if (const toml::node* node = root.get("recording")) {
    if (!node->is_table()) return keyError("recording", "must be a table");
    if (auto r = readRecordingSection(*node->as_table(), config.recording); !r) return r.error();
  }
  return config;
}

}  // namespace airlock::config
