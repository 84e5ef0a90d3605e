// Config: everything airlockd can be told, with its defaults. Read from one
// TOML file (`--config FILE`); flags override it. Plain values, no behaviour.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/result.h"
#include "config/auth_config.h"
#include "config/recording_config.h"

namespace airlock::config {

// Every bound in the daemon, in one place. Each has a policy for when it is
// reached (see proto/PROTOCOL.md "Limits and errors").
struct Limits {
  size_t max_frame_bytes = 1 << 20;
  uint32_t max_channels_per_connection = 256;
  uint32_t max_sessions_per_user = 256;
  size_t session_buffer_bytes = 256 * 1024;  // Output buffered per stream per session.
  size_t default_window = 1 << 20;           // Output credit when OPEN asks for 0.
  size_t max_window = 64 << 20;
  size_t stdin_window = 64 * 1024;           // Input queued per session.
  size_t write_slice_bytes = 16 * 1024;      // Largest data frame; fairness unit.
  size_t max_control_queue_bytes = 1 << 20;  // Per connection; beyond it the peer is cut off.
  uint32_t kill_grace_ms = 2000;             // SIGHUP -> SIGKILL.
  uint32_t exit_drain_ms = 1000;             // Wait for output EOF after the process exited.
  uint32_t shutdown_timeout_ms = 5000;
  // SIGTERM: sessions may go on (no new ones) this long before they are
  // ended with SHUTTING_DOWN; 0 ends them at once. The stop then takes up to
  // drain_grace_ms + shutdown_timeout_ms (systemd's TimeoutStopSec must be
  // longer).
  uint32_t drain_grace_ms = 0;
  // A watcher this far behind a stream (bytes not yet sent to it) is cut
  // with "too far behind"; it never holds the writer or the recorder back.
  // At most half of session_buffer_bytes takes effect.
  size_t watcher_lag_bytes = 128 * 1024;
  // A connection that has not finished its WebSocket upgrade by then is closed.
  uint32_t handshake_timeout_ms = 10000;
  // Connections (upgraded or not) at once; beyond it new ones are closed at
  // accept. Per principal: upgraded connections of one caller.
  uint32_t max_connections = 4096;
  uint32_t max_connections_per_principal = 64;
};

// A session target declared in the config (the local backend's "tasks").
struct TargetConfig {
  std::string id;
  std::string app_id;
  std::map<std::string, std::string> labels;
  std::string user;                // Empty: the daemon's own user.
  std::optional<int> pid;          // Join this process's namespaces, root and cwd.
  std::string cwd;
};

// The Mesos agent the `mesos` backend talks to (its v1 operator API).
struct AgentConfig {
  std::string url = "http://127.0.0.1:5051/api/v1";
  std::string content_type = "protobuf";  // "protobuf" or "json".
  std::string ca_file;                     // TLS: trust these CAs; empty = the system's.
  std::string principal;                   // Basic auth, with `secret`.
  std::string secret;
  std::string token;                       // DC/OS: `Authorization: token=<token>`.
  std::string secret_file;                 // The secret / token read from a file instead
  std::string token_file;                  // (loaded into `secret` / `token`).
  uint32_t state_ttl_ms = 5000;            // GET_STATE cache lifetime.
  uint32_t connect_timeout_ms = 3000;
  uint32_t request_timeout_ms = 15000;     // Non-streaming calls, and LNCS until its headers.
  uint32_t heartbeat_interval_ms = 30000;  // ATTACH_CONTAINER_INPUT heartbeats.
};

inline constexpr std::string_view kDefaultSocketPath = "/run/airlockd/airlockd.sock";

struct Config {
  std::string backend = "local";   // "local" or "mesos".
  AgentConfig agent;
  // server.listen: "unix:PATH" (the default: local callers, identified by
  // SO_PEERCRED) or "HOST:PORT" (TCP: needs [auth], or insecure_no_auth).
  std::string listen_unix = std::string(kDefaultSocketPath);  // Empty: TCP.
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 7122;
  // Lets a TCP listener run without [auth]: every caller may do everything.
  // It never turns a configured [auth] off.
  bool insecure_no_auth = false;
  std::string log_level = "info";
  std::string enter_helper;        // Path of airlock-enter; empty = beside airlockd.
  Limits limits;
  std::vector<TargetConfig> targets;
  AuthConfig auth;                 // [auth]: off unless a key source is set.
  RecordingConfig recording;       // [recording]: every session is recorded.
};

// Parses a TOML file; unknown keys and bad values are errors naming the key.
Result<Config> loadConfigFile(const std::string& path);
// The same, then applies `-o section.key=value` overrides (a TOML value, or
// else a string) before reading; `path` may be empty (no file).
Result<Config> loadConfig(const std::string& path, const std::vector<std::string>& overrides);

struct HostPort {
  std::string host;
  uint16_t port;
};
// "127.0.0.1:7122", "[::1]:0", "localhost:80".
Result<HostPort> parseHostPort(const std::string& text);
// server.listen / --listen: "unix:/PATH" or HOST:PORT into `config`.
Result<void> applyListenAddress(const std::string& text, Config& config);
// How the daemon prints where it listens: "unix:/PATH" or "HOST:PORT".
std::string listenAddressText(const Config& config);

}  // namespace airlock::config
