// The measurements: each scenario opens shells through a `Transport`, drives
// them, and returns its numbers as one JSON object.
#pragma once

#include <sys/types.h>
#include <uv.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "histogram.h"
#include "json.h"
#include "proc_stats.h"
#include "shell_session.h"
#include "transport.h"

namespace airlock::bench {

struct ScenarioOptions {
  std::string data_file;          // Streamed by throughput and busy sessions.
  pid_t server_pid = 0;           // Daemon (or ttyd) to read /proc of; 0 = none.
  double max_seconds = 120;       // Bound of every wait inside one scenario.
  size_t open_batch = 100;        // Sessions opened at once before waiting for prompts.
  int warmup_keys = 50;
  // argv that starts this bench as a streaming helper on the same carrier
  // (`--stream-helper M` is appended); empty = no separate-client echo.
  std::vector<std::string> helper_argv;
};

// Runs scenarios on the bench's uv loop. Owned by `main`; loop thread only.
class Scenarios {
 public:
  Scenarios(uv_loop_t* loop, Transport& transport, ScenarioOptions options);
  ~Scenarios();

  // N sessions each print `bytes` of the data file at once.
  Json throughput(size_t sessions, uint64_t bytes);
  // Closed-loop one-byte echo (app echo: `stty raw -echo; exec cat`) with
  // `idle` sessions at a prompt and `busy` sessions streaming the data file.
  // `own_connection`: the measured session gets a WebSocket of its own
  // instead of sharing one with the others (airlock multiplexes).
  Json echo(size_t idle, size_t busy, size_t keys, bool own_connection = false);
  // Sequential sessions: open (fresh connection unless `multiplexed`), first
  // output, prompt, close.
  Json setup(size_t count, bool multiplexed);
  // Echo measured by this process while `busy` sessions stream in a helper
  // process (another client of the same server): the server's share of the
  // delay, without this process's own work on the busy output.
  Json echoSeparateClient(size_t busy, size_t keys);
  // The helper's side: streams on `sessions` shells, says "STREAMING" on
  // stdout, stops when stdin becomes readable, then prints a JSON line.
  int streamHelper(size_t sessions);
  // Server memory growth per idle session at a prompt.
  Json memory(size_t sessions);
  // Opens up to `target` idle sessions, then measures echo with all held.
  Json maxSessions(size_t target, size_t keys);

 private:
  using Shells = std::vector<std::unique_ptr<ShellSession>>;

  bool runUntil(const std::function<bool()>& done, double seconds);
  void runFor(double seconds);
  // Opens `n` shells and waits for their prompts, `open_batch` at a time.
  // Shells that fail are dropped; `error` gets the first reason.
  Shells openShells(size_t n, std::string* error = nullptr);
  std::unique_ptr<ShellSession> openOne(bool fresh);
  void closeAll(Shells& shells);
  // Turns `shell` into a raw-mode `cat`; false if it did not become ready.
  bool makeEchoShell(ShellSession& shell);
  // Measures `keys` round trips on `shell` after the warm-up.
  Histogram measureEcho(ShellSession& shell, size_t keys, std::string* error);
  void addServerStats(Json& out, const ProcSample& before, const ProcSample& after);
  Json header(const std::string& name, const std::string& kind);

  uv_loop_t* loop_;
  Transport& transport_;
  ScenarioOptions options_;
  uv_timer_t tick_;
};

// Percentiles of a nanosecond histogram as milliseconds.
Json latencyJson(const Histogram& h);

}  // namespace airlock::bench
