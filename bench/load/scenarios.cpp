#include "scenarios.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "proc_stats.h"

namespace airlock::bench {
namespace {

constexpr char kPrompt[] = "$ ";
constexpr double kPromptSeconds = 30;
constexpr double kSettleSeconds = 1.0;

double ms(int64_t ns) { return static_cast<double>(ns) / 1e6; }

Json loadJson() {
  auto l = loadAverage();
  Json out = Json::array();
  for (double v : l) out.push(v);
  return out;
}

double medianOf(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string streamCommand(const std::string& data_file) {
  return "for i in $(seq 1 1000); do cat " + data_file + "; done\r";
}

extern "C" char** environ;

// Another airlock-bench process (`--stream-helper`) talking to the same
// server: its stdin and stdout are pipes to us. Stopping it is writing one
// byte; it answers with a JSON line and exits. Owned by one scenario.
class HelperProcess {
 public:
  ~HelperProcess() { reap(); }

  Result<void> start(std::vector<std::string> args) {
    int to_child[2], from_child[2];
    if (pipe2(to_child, O_CLOEXEC) != 0) return Error::fromErrno("pipe");
    if (pipe2(from_child, O_CLOEXEC) != 0) {
      ::close(to_child[0]);
      ::close(to_child[1]);
      return Error::fromErrno("pipe");
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
    int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(to_child[0]);
    ::close(from_child[1]);
    to_child_ = to_child[1];
    from_child_ = from_child[0];
    if (rc != 0) {
      pid_ = -1;
      return Error::fromErrno("cannot start the streaming helper", rc);
    }
    return {};
  }

  // One line of the helper's stdout within `seconds`; empty on timeout or EOF.
  std::string readLine(double seconds) {
    std::string line;
    int64_t deadline = nowNs() + static_cast<int64_t>(seconds * 1e9);
    while (from_child_ >= 0 && nowNs() < deadline) {
      pollfd p{from_child_, POLLIN, 0};
      int left_ms = static_cast<int>((deadline - nowNs()) / 1000000) + 1;
      if (poll(&p, 1, left_ms) <= 0) continue;
      char c;
      if (read(from_child_, &c, 1) <= 0) break;
      if (c == '\n') return line;
      line += c;
    }
    return line;
  }

  // Asks the helper to stop; returns its report line.
  std::string stop() {
    if (to_child_ < 0 || write(to_child_, "x", 1) != 1) return "";
    return readLine(30);
  }

 private:
  void reap() {
    if (to_child_ >= 0) ::close(to_child_);
    if (from_child_ >= 0) ::close(from_child_);
    if (pid_ <= 0) return;
    // Bounded: 10 s for a clean exit, then SIGKILL.
    for (int i = 0; i < 100 && waitpid(pid_, nullptr, WNOHANG) == 0; ++i) usleep(100000);
    if (waitpid(pid_, nullptr, WNOHANG) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
};

}  // namespace

Json latencyJson(const Histogram& h) {
  Json out = Json::object();
  out.set("count", h.count());
  out.set("p50_ms", ms(static_cast<int64_t>(h.quantile(0.50))));
  out.set("p90_ms", ms(static_cast<int64_t>(h.quantile(0.90))));
  out.set("p99_ms", ms(static_cast<int64_t>(h.quantile(0.99))));
  out.set("p999_ms", ms(static_cast<int64_t>(h.quantile(0.999))));
  out.set("max_ms", ms(static_cast<int64_t>(h.max())));
  out.set("mean_ms", h.mean() / 1e6);
  return out;
}

Scenarios::Scenarios(uv_loop_t* loop, Transport& transport, ScenarioOptions options)
    : loop_(loop), transport_(transport), options_(std::move(options)) {
  uv_timer_init(loop_, &tick_);
}

Scenarios::~Scenarios() { uv_close(reinterpret_cast<uv_handle_t*>(&tick_), nullptr); }

bool Scenarios::runUntil(const std::function<bool()>& done, double seconds) {
  int64_t deadline = nowNs() + static_cast<int64_t>(seconds * 1e9);
  // The tick only wakes `uv_run` so the deadline is checked.
  uv_timer_start(&tick_, [](uv_timer_t*) {}, 10, 10);
  bool ok = true;
  while (!done()) {
    if (nowNs() > deadline) {
      ok = false;
      break;
    }
    uv_run(loop_, UV_RUN_ONCE);
  }
  uv_timer_stop(&tick_);
  return ok;
}

void Scenarios::runFor(double seconds) {
  int64_t until = nowNs() + static_cast<int64_t>(seconds * 1e9);
  runUntil([&] { return nowNs() >= until; }, seconds + 1);
}

std::unique_ptr<ShellSession> Scenarios::openOne(bool fresh) {
  auto shell = std::make_unique<ShellSession>();
  shell->watch(kPrompt);
  shell->handle = transport_.open(*shell, fresh);
  return shell;
}

Scenarios::Shells Scenarios::openShells(size_t n, std::string* error) {
  Shells out;
  int64_t deadline = nowNs() + static_cast<int64_t>(options_.max_seconds * 1e9);
  while (out.size() < n && nowNs() < deadline) {
    size_t batch = std::min(options_.open_batch, n - out.size());
    Shells pending;
    for (size_t i = 0; i < batch; ++i) pending.push_back(openOne(false));
    runUntil(
        [&] {
          return std::all_of(pending.begin(), pending.end(),
                             [](auto& s) { return s->seen() || s->ended(); });
        },
        kPromptSeconds);
    bool failed = false;
    for (auto& s : pending) {
      if (s->seen() && !s->ended()) {
        out.push_back(std::move(s));
        continue;
      }
      failed = true;
      if (error != nullptr && error->empty()) {
        *error = s->ended() ? s->endReason() : "no prompt within 30 s";
      }
      s->close();
    }
    if (failed) break;
  }
  return out;
}

void Scenarios::closeAll(Shells& shells) {
  for (auto& s : shells) s->close();
  runUntil(
      [&] {
        return std::all_of(shells.begin(), shells.end(),
                           [](auto& s) { return !s->handle || s->handle->closeDone(); });
      },
      10);
  shells.clear();
  // Let the server reap and free before the next measurement.
  runFor(kSettleSeconds);
}

bool Scenarios::makeEchoShell(ShellSession& shell) {
  shell.watch("__RDY__");
  shell.send("stty raw -echo; echo __R''DY__; exec cat\r");
  if (!runUntil([&] { return shell.seen() || shell.ended(); }, kPromptSeconds)) return false;
  // Let the marker's line end arrive before the first key.
  runFor(0.2);
  return !shell.ended();
}

Histogram Scenarios::measureEcho(ShellSession& shell, size_t keys, std::string* error) {
  Histogram h;
  for (size_t i = 0; i < keys + static_cast<size_t>(options_.warmup_keys); ++i) {
    uint64_t before = shell.bytes();
    char key = static_cast<char>('a' + i % 26);
    int64_t t0 = nowNs();
    shell.send(std::string_view(&key, 1));
    if (!runUntil([&] { return shell.bytes() > before || shell.ended(); }, 5)) {
      *error = "a key was not echoed within 5 s";
      break;
    }
    if (shell.ended()) {
      *error = "session ended: " + shell.endReason();
      break;
    }
    if (i >= static_cast<size_t>(options_.warmup_keys)) h.record(static_cast<uint64_t>(nowNs() - t0));
  }
  return h;
}

Json Scenarios::header(const std::string& name, const std::string& kind) {
  Json out = Json::object();
  out.set("name", name);
  out.set("kind", kind);
  out.set("carrier", transport_.name());
  out.set("load_before", loadJson());
  return out;
}

void Scenarios::addServerStats(Json& out, const ProcSample& before, const ProcSample& after) {
  if (!before.ok || !after.ok) return;
  out.set("server_cpu_s", after.cpu_s - before.cpu_s);
  out.set("server_rss_kib", after.rss_kib);
  out.set("server_pss_kib", after.pss_kib);
  out.set("server_fds", after.fds);
  out.set("server_threads", after.threads);
}

Json Scenarios::throughput(size_t sessions, uint64_t bytes) {
  Json out = header("throughput_n" + std::to_string(sessions), "throughput");
  out.set("sessions", sessions);
  out.set("bytes_per_session", bytes);
  std::string error;
  Shells shells = openShells(sessions, &error);
  if (shells.size() < sessions) {
    out.set("error", "opened " + std::to_string(shells.size()) + " of " + std::to_string(sessions) +
                         ": " + error);
    closeAll(shells);
    return out;
  }
  std::string command = "head -c " + std::to_string(bytes) + " " + options_.data_file +
                        "; echo __E''ND__\r";
  std::vector<uint64_t> start_bytes;
  for (auto& s : shells) {
    s->watch("__END__");
    start_bytes.push_back(s->bytes());
  }
  ProcSample before = sampleProcess(options_.server_pid);
  double self_before = selfCpuSeconds();
  int64_t t0 = nowNs();
  for (auto& s : shells) s->send(command);
  bool done = runUntil(
      [&] {
        return std::all_of(shells.begin(), shells.end(),
                           [](auto& s) { return s->seen() || s->ended(); });
      },
      options_.max_seconds);
  int64_t t1 = nowNs();
  ProcSample after = sampleProcess(options_.server_pid);
  double self_cpu = selfCpuSeconds() - self_before;

  uint64_t total = 0;
  int64_t last = t0;
  std::vector<double> per;
  for (size_t i = 0; i < shells.size(); ++i) {
    auto& s = shells[i];
    uint64_t got = s->bytes() - start_bytes[i];
    total += got;
    int64_t end = s->seen() ? s->seenNs() : t1;
    last = std::max(last, end);
    per.push_back(static_cast<double>(got) / 1e6 / (static_cast<double>(end - t0) / 1e9));
  }
  double seconds = static_cast<double>(last - t0) / 1e9;
  if (!done) out.set("error", "not every session finished within max_seconds");
  out.set("seconds", seconds);
  out.set("bytes_received", total);
  out.set("aggregate_mb_s", static_cast<double>(total) / 1e6 / seconds);
  out.set("per_session_mb_s_min", *std::min_element(per.begin(), per.end()));
  out.set("per_session_mb_s_median", medianOf(per));
  out.set("per_session_mb_s_max", *std::max_element(per.begin(), per.end()));
  double gb = static_cast<double>(total) / 1e9;
  if (before.ok && after.ok) out.set("server_cpu_s_per_gb", (after.cpu_s - before.cpu_s) / gb);
  out.set("bench_cpu_s_per_gb", self_cpu / gb);
  addServerStats(out, before, after);
  out.set("connections", transport_.connections());
  out.set("load_after", loadJson());
  closeAll(shells);
  return out;
}

Json Scenarios::echo(size_t idle, size_t busy, size_t keys, bool own_connection) {
  std::string name = "echo";
  if (idle > 0) name += "_idle" + std::to_string(idle);
  if (busy > 0) name += "_busy" + std::to_string(busy);
  if (idle == 0 && busy == 0) name += "_alone";
  if (own_connection) name += "_own_connection";
  Json out = header(name, "echo");
  out.set("own_connection", own_connection);
  out.set("idle_sessions", idle);
  out.set("busy_sessions", busy);
  std::string error;
  Shells others = openShells(idle + busy, &error);
  auto measured = openOne(own_connection);
  runUntil([&] { return measured->seen() || measured->ended(); }, kPromptSeconds);
  if (others.size() < idle + busy || !measured->seen() || !makeEchoShell(*measured)) {
    out.set("error", "could not open the sessions: " +
                         (error.empty() ? measured->endReason() : error));
    others.push_back(std::move(measured));
    closeAll(others);
    return out;
  }
  std::string stream = streamCommand(options_.data_file);
  for (size_t i = 0; i < busy; ++i) others[idle + i]->send(stream);
  uint64_t busy_start = 0;
  if (busy > 0) {
    // Streaming has begun everywhere before the first key.
    runUntil(
        [&] {
          for (size_t i = 0; i < busy; ++i) {
            if (others[idle + i]->bytes() < (1u << 20)) return false;
          }
          return true;
        },
        30);
    for (size_t i = 0; i < busy; ++i) busy_start += others[idle + i]->bytes();
  }
  ProcSample before = sampleProcess(options_.server_pid);
  int64_t t0 = nowNs();
  Histogram h = measureEcho(*measured, keys, &error);
  int64_t t1 = nowNs();
  ProcSample after = sampleProcess(options_.server_pid);
  if (!error.empty()) out.set("error", error);
  out.set("latency", latencyJson(h));
  if (busy > 0) {
    uint64_t busy_bytes = 0;
    for (size_t i = 0; i < busy; ++i) busy_bytes += others[idle + i]->bytes();
    busy_bytes -= busy_start;
    out.set("busy_aggregate_mb_s",
            static_cast<double>(busy_bytes) / 1e6 / (static_cast<double>(t1 - t0) / 1e9));
  }
  addServerStats(out, before, after);
  out.set("load_after", loadJson());
  others.push_back(std::move(measured));
  closeAll(others);
  return out;
}

Json Scenarios::echoSeparateClient(size_t busy, size_t keys) {
  Json out = header("echo_busy" + std::to_string(busy) + "_separate_client", "echo");
  out.set("busy_sessions", busy);
  out.set("busy_in_helper_process", true);
  std::vector<std::string> args = options_.helper_argv;
  args.push_back("--stream-helper");
  args.push_back(std::to_string(busy));
  HelperProcess helper;
  if (auto started = helper.start(args); !started) {
    out.set("error", started.error().message);
    return out;
  }
  if (std::string ready = helper.readLine(60); ready != "STREAMING") {
    out.set("error", "the streaming helper did not start: " + ready);
    return out;
  }
  auto measured = openOne(true);
  runUntil([&] { return measured->seen() || measured->ended(); }, kPromptSeconds);
  std::string error;
  if (!measured->seen() || !makeEchoShell(*measured)) {
    error = "could not open the measured session: " + measured->endReason();
  }
  ProcSample before = sampleProcess(options_.server_pid);
  Histogram h;
  if (error.empty()) h = measureEcho(*measured, keys, &error);
  ProcSample after = sampleProcess(options_.server_pid);
  std::string report = helper.stop();
  if (!error.empty()) out.set("error", error);
  out.set("latency", latencyJson(h));
  if (auto parsed = Json::parse(report); parsed && parsed->find("busy_aggregate_mb_s")) {
    out.set("busy_aggregate_mb_s", parsed->find("busy_aggregate_mb_s")->number());
  }
  addServerStats(out, before, after);
  out.set("load_after", loadJson());
  Shells shells;
  shells.push_back(std::move(measured));
  closeAll(shells);
  return out;
}

int Scenarios::streamHelper(size_t sessions) {
  std::string error;
  Shells shells = openShells(sessions, &error);
  if (shells.size() < sessions) {
    std::printf("FAILED %s\n", error.c_str());
    std::fflush(stdout);
    return 1;
  }
  std::string stream = streamCommand(options_.data_file);
  for (auto& s : shells) s->send(stream);
  runUntil(
      [&] {
        return std::all_of(shells.begin(), shells.end(),
                           [](auto& s) { return s->bytes() >= (1u << 20) || s->ended(); });
      },
      30);
  uint64_t start_bytes = 0;
  for (auto& s : shells) start_bytes += s->bytes();
  int64_t t0 = nowNs();
  std::printf("STREAMING\n");
  std::fflush(stdout);
  // Until the parent writes to our stdin (bounded by max_seconds).
  bool stop = false;
  uv_poll_t input;
  uv_poll_init(loop_, &input, 0);
  input.data = &stop;
  uv_poll_start(&input, UV_READABLE | UV_DISCONNECT, [](uv_poll_t* h, int, int) {
    *static_cast<bool*>(h->data) = true;
    uv_poll_stop(h);
  });
  runUntil([&] { return stop; }, options_.max_seconds);
  uv_close(reinterpret_cast<uv_handle_t*>(&input), nullptr);
  uint64_t bytes = 0;
  for (auto& s : shells) bytes += s->bytes();
  double seconds = static_cast<double>(nowNs() - t0) / 1e9;
  Json report = Json::object();
  report.set("busy_aggregate_mb_s", static_cast<double>(bytes - start_bytes) / 1e6 / seconds);
  std::printf("%s\n", report.dump().c_str());
  std::fflush(stdout);
  for (auto& s : shells) s->close();
  runUntil(
      [&] {
        return std::all_of(shells.begin(), shells.end(),
                           [](auto& s) { return !s->handle || s->handle->closeDone(); });
      },
      10);
  shells.clear();
  uv_run(loop_, UV_RUN_NOWAIT);
  return 0;
}

Json Scenarios::setup(size_t count, bool multiplexed) {
  Json out = header(multiplexed ? "setup_multiplexed" : "setup", "setup");
  out.set("sessions", count);
  out.set("fresh_connection", !multiplexed);
  Histogram first, prompt, close;
  ProcSample before = sampleProcess(options_.server_pid);
  // A multiplexed run keeps one shell open so the connection stays up.
  Shells keep;
  if (multiplexed) keep = openShells(1);
  int64_t t0 = nowNs();
  std::string error;
  for (size_t i = 0; i < count; ++i) {
    int64_t start = nowNs();
    auto shell = openOne(!multiplexed);
    runUntil([&] { return shell->seen() || shell->ended(); }, kPromptSeconds);
    if (!shell->seen()) {
      error = shell->ended() ? shell->endReason() : "no prompt within 30 s";
      break;
    }
    first.record(static_cast<uint64_t>(shell->firstOutputNs() - start));
    prompt.record(static_cast<uint64_t>(shell->seenNs() - start));
    int64_t close_start = nowNs();
    shell->close();
    runUntil([&] { return !shell->handle || shell->handle->closeDone(); }, 10);
    close.record(static_cast<uint64_t>(nowNs() - close_start));
  }
  double seconds = static_cast<double>(nowNs() - t0) / 1e9;
  ProcSample after = sampleProcess(options_.server_pid);
  if (!error.empty()) out.set("error", error);
  out.set("first_output", latencyJson(first));
  out.set("prompt", latencyJson(prompt));
  out.set("close", latencyJson(close));
  out.set("sessions_per_s", static_cast<double>(prompt.count()) / seconds);
  if (before.ok && after.ok && prompt.count() > 0) {
    out.set("server_cpu_ms_per_session", (after.cpu_s - before.cpu_s) * 1e3 / prompt.count());
  }
  out.set("load_after", loadJson());
  closeAll(keep);
  return out;
}

Json Scenarios::memory(size_t sessions) {
  Json out = header("memory_n" + std::to_string(sessions), "memory");
  out.set("sessions", sessions);
  // Sessions of earlier scenarios are still being killed and freed.
  runFor(3 * kSettleSeconds);
  ProcSample before = sampleProcess(options_.server_pid);
  std::string error;
  Shells shells = openShells(sessions, &error);
  runFor(kSettleSeconds);
  ProcSample after = sampleProcess(options_.server_pid);
  if (!error.empty()) out.set("error", error);
  size_t n = shells.size();
  out.set("sessions_open", n);
  if (before.ok && after.ok && n > 0) {
    double dn = static_cast<double>(n);
    out.set("rss_kib_per_session", static_cast<double>(after.rss_kib - before.rss_kib) / dn);
    out.set("pss_kib_per_session", static_cast<double>(after.pss_kib - before.pss_kib) / dn);
    out.set("fds_per_session", static_cast<double>(after.fds - before.fds) / dn);
    out.set("server_rss_kib_before", before.rss_kib);
    out.set("server_rss_kib_after", after.rss_kib);
    out.set("server_threads", after.threads);
  } else if (options_.server_pid <= 0) {
    out.set("note", "no --pid: server memory not measured");
  }
  out.set("connections", transport_.connections());
  out.set("load_after", loadJson());
  closeAll(shells);
  return out;
}

Json Scenarios::maxSessions(size_t target, size_t keys) {
  Json out = header("max_sessions", "max");
  out.set("target", target);
  ProcSample before = sampleProcess(options_.server_pid);
  std::string error;
  int64_t t0 = nowNs();
  Shells shells = openShells(target, &error);
  double seconds = static_cast<double>(nowNs() - t0) / 1e9;
  out.set("held", shells.size());
  out.set("open_seconds", seconds);
  out.set("sessions_per_s", static_cast<double>(shells.size()) / seconds);
  if (!error.empty()) out.set("stopped_because", error);
  // The last shell becomes the measured one: all the others stay idle.
  if (!shells.empty() && makeEchoShell(*shells.back())) {
    std::string echo_error;
    Histogram h = measureEcho(*shells.back(), keys, &echo_error);
    out.set("echo", latencyJson(h));
    if (!echo_error.empty()) out.set("echo_error", echo_error);
  }
  ProcSample after = sampleProcess(options_.server_pid);
  if (before.ok && after.ok && !shells.empty()) {
    double dn = static_cast<double>(shells.size());
    out.set("rss_kib_per_session", static_cast<double>(after.rss_kib - before.rss_kib) / dn);
    out.set("pss_kib_per_session", static_cast<double>(after.pss_kib - before.pss_kib) / dn);
    out.set("fds_per_session", static_cast<double>(after.fds - before.fds) / dn);
  }
  addServerStats(out, before, after);
  out.set("connections", transport_.connections());
  out.set("pty_nr", readPtyNr());
  out.set("load_after", loadJson());
  closeAll(shells);
  return out;
}

}  // namespace airlock::bench
