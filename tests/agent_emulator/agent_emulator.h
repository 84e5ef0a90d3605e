// AgentEmulator: a Mesos agent's `/api/v1` for tests, speaking the exact
// bytes of docs mesos-agent-api.md: the header gate, the per-call status
// codes and bodies, GET_STATE from a fixture (a Mesos-JSON agent Response),
// and nested container sessions run as real processes (NestedContainer).
// Switches reproduce agent modes worth testing clients against: recovering
// (503), Basic or token authentication (401), the Composing containerizer's
// error wording, random re-chunking of streams, and faults (failed, slow or
// cut session launches). Loop thread only.
#pragma once

#include <uv.h>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "http_server.h"
#include "negotiation.h"
#include "nested_container.h"

namespace airlock::emulator {

struct EmulatorOptions {
  std::string fixture_json;         // GET_STATE response, Mesos JSON.
  uint32_t heartbeat_ms = 30000;
  uint32_t rechunk_seed = 0;
  uint32_t recovering_ms = 0;       // Answer 503 for this long after start.
  std::string basic_principal;      // With `basic_secret`: require Basic auth.
  std::string basic_secret;
  std::string token;                // Accept `Authorization: token=<token>`.
  bool composing_errors = false;
  std::string sandbox;              // Working directory of every root container.
  // Faults, for testing clients against a failing agent:
  uint32_t fail_launch_status = 0;  // Answer every LNCS with this status (e.g. 500).
  uint32_t launch_delay_ms = 0;     // Answer LNCS only after this long (a slow agent).
  uint32_t state_delay_ms = 0;      // Answer GET_STATE only after this long.
  uint32_t cut_stream_ms = 0;       // Drop each LNCS connection this long after its headers
                                    // (no final chunk), as a crashing agent would.
  bool forget_exits = false;        // WAIT on an ended session: 404 (spec 4.2.7, seen in DC/OS).
};

class AgentEmulator {
 public:
  AgentEmulator(uv_loop_t* loop, EmulatorOptions options);
  ~AgentEmulator();
  // Loads the fixture and listens on 127.0.0.1:`port`; returns the port.
  Result<uint16_t> start(uint16_t port);
  void stop();
  size_t liveSessions() const;

 private:
  friend class CallHandler;
  friend class InputHandler;
  std::unique_ptr<RequestHandler> dispatch(HttpConnection& conn, const HttpRequest& request);
  std::optional<HttpError> authenticate(const HttpRequest& request) const;
  void onSigchld();
  // Known containers: root (executor) containers from the fixture and the
  // nested sessions. Lookups go by the root first (404 when unknown).
  bool rootKnown(const mesos::ContainerID& id) const;
  std::shared_ptr<NestedContainer> find(const mesos::ContainerID& id) const;
  std::string notFound(const mesos::ContainerID& id) const;

  uv_loop_t* loop_;
  EmulatorOptions options_;
  HttpServer server_;
  uv_signal_t* sigchld_ = nullptr;
  uint64_t started_ms_ = 0;
  mesos::agent::Response state_;
  std::set<std::string> roots_;                    // Root container ids.
  std::set<std::string> known_parents_;            // Every level of every task container.
  std::map<std::string, std::shared_ptr<NestedContainer>> containers_;  // By dotted id.
};

// ContainerID rules of the agent (spec section 2.4). Empty when valid.
std::string validateContainerId(const mesos::ContainerID& id);

}  // namespace airlock::emulator
