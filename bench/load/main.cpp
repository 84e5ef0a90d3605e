// airlock-bench: load-tests shells served by airlockd (or ttyd, or raw PTYs)
// and writes the numbers as JSON, a markdown summary and an SVG chart.
#include <sys/utsname.h>
#include <unistd.h>
#include <uv.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "airlock_transport.h"
#include "data_file.h"
#include "json.h"
#include "proc_stats.h"
#include "raw_transport.h"
#include "report.h"
#include "scenarios.h"
#include "ttyd_transport.h"

namespace airlock::bench {
namespace {

constexpr char kUsage[] = R"(usage:
  airlock-bench [options]                         run scenarios, print a summary
  airlock-bench --compare A.json B.json [--svg F]  compare two result files
  airlock-bench --plot A.json [B.json...] --svg F  chart result files

carrier (one per run):
  --protocol airlock|ttyd   what --url speaks (default airlock)
  --url URL                 airlock: ws://127.0.0.1:7122/  ttyd: ws://127.0.0.1:7681/ws
  --raw                     PTYs the bench opens itself (forkpty; the floor)
  --pid PID                 the server's pid: CPU and memory are read from /proc/PID
  --per-connection N        airlock sessions multiplexed per WebSocket (default 50)
  --window BYTES            airlock output credit per channel (default 0: the daemon's)
  --shell "CMD ARGS"        the session's shell (default "bash --norc --noprofile";
                            PS1='$ ', TERM=xterm-256color; ttyd runs its own command)

scenarios (--scenarios a,b,...; default memory,setup,echo,throughput, in that order):
  throughput  --throughput-sessions 1,10,50  --total-bytes 200000000 (split over N,
              each at most the data file's size)
  echo        alone, --echo-idle 50 idle, --echo-busy 10 busy; --keys 2000
  setup       --setup-count 200 sequential sessions (airlock: also multiplexed)
  memory      --memory-sessions 100 idle sessions
  max         --max-sessions 1000 idle sessions, then echo with all held
              (--raise-pty-max sets kernel.pty.max when it is too small; root)

output and bounds:
  --out FILE.json  --svg FILE.svg  --label NAME
  --data-file PATH (default /tmp/airlock-bench/b64.txt, 64 MiB, generated)
  --max-seconds S  bound of every wait (default 120)
  --time-limit S   stop starting scenarios after S seconds (default 1800)
Only loopback URLs are accepted.
)";

struct Options {
  std::string protocol = "airlock";
  std::string url;
  bool raw = false;
  pid_t pid = 0;
  size_t per_connection = 50;
  uint64_t window = 0;
  // Memory first: growth per session is only meaningful on a fresh server.
  std::vector<std::string> scenarios = {"memory", "setup", "echo", "throughput"};
  std::vector<size_t> throughput_sessions = {1, 10, 50};
  uint64_t total_bytes = 200'000'000;
  size_t echo_idle = 50;
  size_t echo_busy = 10;
  size_t keys = 2000;
  size_t setup_count = 200;
  size_t memory_sessions = 100;
  size_t max_sessions = 1000;
  bool raise_pty_max = false;
  std::string out;
  std::string svg;
  std::string label;
  std::string data_file = "/tmp/airlock-bench/b64.txt";
  double max_seconds = 120;
  double time_limit = 1800;
  std::vector<std::string> compare;
  std::vector<std::string> plot;
  std::vector<std::string> shell;
  size_t stream_helper = 0;  // Internal: run as the streaming helper.
  std::vector<std::string> carrier_args;  // What a helper needs to reach the same server.
  std::string command;  // The whole command line, recorded with the results.
};

constexpr uint64_t kDataBytes = 64ull << 20;

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

[[noreturn]] void usageError(const std::string& what) {
  std::fprintf(stderr, "airlock-bench: %s\n%s", what.c_str(), kUsage);
  std::exit(64);
}

uint64_t parseCount(const std::string& flag, const std::string& v) {
  char* end = nullptr;
  unsigned long long n = std::strtoull(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0') usageError(flag + " wants a number, got '" + v + "'");
  return n;
}

Options parseOptions(int argc, char** argv) {
  Options o;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) o.command += ' ';
    o.command += argv[i];
  }
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) usageError(a + " needs a value");
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (a == "--protocol") {
      o.protocol = next();
    } else if (a == "--url") {
      o.url = next();
    } else if (a == "--raw") {
      o.raw = true;
    } else if (a == "--pid") {
      o.pid = static_cast<pid_t>(parseCount(a, next()));
    } else if (a == "--per-connection") {
      o.per_connection = parseCount(a, next());
    } else if (a == "--window") {
      o.window = parseCount(a, next());
    } else if (a == "--stream-helper") {
      o.stream_helper = parseCount(a, next());
    } else if (a == "--shell") {
      std::stringstream words(next());
      o.shell.clear();
      for (std::string w; words >> w;) o.shell.push_back(w);
      if (o.shell.empty()) usageError("--shell needs a command");
    } else if (a == "--scenarios") {
      o.scenarios = splitList(next());
    } else if (a == "--throughput-sessions") {
      o.throughput_sessions.clear();
      for (auto& s : splitList(next())) o.throughput_sessions.push_back(parseCount(a, s));
    } else if (a == "--total-bytes") {
      o.total_bytes = parseCount(a, next());
    } else if (a == "--echo-idle") {
      o.echo_idle = parseCount(a, next());
    } else if (a == "--echo-busy") {
      o.echo_busy = parseCount(a, next());
    } else if (a == "--keys") {
      o.keys = parseCount(a, next());
    } else if (a == "--setup-count") {
      o.setup_count = parseCount(a, next());
    } else if (a == "--memory-sessions") {
      o.memory_sessions = parseCount(a, next());
    } else if (a == "--max-sessions") {
      o.max_sessions = parseCount(a, next());
    } else if (a == "--raise-pty-max") {
      o.raise_pty_max = true;
    } else if (a == "--out") {
      o.out = next();
    } else if (a == "--svg") {
      o.svg = next();
    } else if (a == "--label") {
      o.label = next();
    } else if (a == "--data-file") {
      o.data_file = next();
    } else if (a == "--max-seconds") {
      o.max_seconds = static_cast<double>(parseCount(a, next()));
    } else if (a == "--time-limit") {
      o.time_limit = static_cast<double>(parseCount(a, next()));
    } else if (a == "--compare") {
      o.compare.push_back(next());
      o.compare.push_back(next());
    } else if (a == "--plot") {
      while (i + 1 < argc && argv[i + 1][0] != '-') o.plot.push_back(argv[++i]);
    } else {
      usageError("unknown option " + a);
    }
  }
  if (o.protocol != "airlock" && o.protocol != "ttyd") usageError("--protocol is airlock or ttyd");
  // The carrier, for a helper process that must reach the same server.
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--raw") {
      o.carrier_args.push_back(a);
    } else if ((a == "--protocol" || a == "--url" || a == "--per-connection" || a == "--window" ||
                a == "--shell" || a == "--data-file" || a == "--max-seconds") &&
               i + 1 < argc) {
      o.carrier_args.push_back(a);
      o.carrier_args.push_back(argv[++i]);
    }
  }
  return o;
}

struct WsTarget {
  std::string host;
  int port = 0;
  std::string path;
};

// ws://HOST:PORT/PATH with a loopback HOST only.
WsTarget parseLoopbackUrl(const std::string& url) {
  const std::string scheme = "ws://";
  if (url.rfind(scheme, 0) != 0) usageError("only ws:// URLs are supported: " + url);
  std::string rest = url.substr(scheme.size());
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  WsTarget t;
  t.path = slash == std::string::npos ? "/" : rest.substr(slash);
  size_t colon = authority.rfind(':');
  t.host = authority.substr(0, colon);
  t.port = colon == std::string::npos ? 80 : std::atoi(authority.c_str() + colon + 1);
  if (t.host != "127.0.0.1" && t.host != "localhost") {
    usageError("the bench only talks to 127.0.0.1 (loopback), not " + t.host);
  }
  t.host = "127.0.0.1";
  return t;
}

Result<Json> loadRun(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{"cannot read " + path};
  std::stringstream buf;
  buf << in.rdbuf();
  return Json::parse(buf.str());
}

bool writeFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return static_cast<bool>(out);
}

std::string baseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

int reportMode(const Options& o) {
  std::vector<Run> runs;
  for (const auto& path : o.compare.empty() ? o.plot : o.compare) {
    auto json = loadRun(path);
    if (!json) {
      std::fprintf(stderr, "airlock-bench: %s\n", json.error().message.c_str());
      return 66;
    }
    const Json* label = json->find("label");
    runs.push_back({label && !label->string().empty() ? label->string() : baseName(path), *json});
  }
  if (runs.size() == 2 && !o.compare.empty()) std::fputs(compareTable(runs[0], runs[1]).c_str(), stdout);
  for (const auto& r : runs) {
    if (o.compare.empty()) std::printf("%s\n%s\n", r.label.c_str(), summaryTable(r).c_str());
  }
  if (!o.svg.empty() && !writeFile(o.svg, renderSvg(runs))) {
    std::fprintf(stderr, "airlock-bench: cannot write %s\n", o.svg.c_str());
    return 73;
  }
  return 0;
}

std::string isoTimeNow() {
  char buf[32];
  std::time_t t = std::time(nullptr);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

Json loadArray() {
  Json out = Json::array();
  for (double v : loadAverage()) out.push(v);
  return out;
}

// Makes room for `sessions` PTYs; says what it does and what it could not.
void checkPtyRoom(const Options& o, size_t sessions, Json& meta) {
  long max = readPtyMax();
  long nr = readPtyNr();
  meta.set("pty_max", max);
  long needed = nr + static_cast<long>(sessions) + 64;
  if (max < 0 || needed <= max) return;
  if (o.raise_pty_max) {
    long want = ((needed + 4095) / 4096) * 4096;
    if (writePtyMax(want)) {
      std::fprintf(stderr, "airlock-bench: raised kernel.pty.max from %ld to %ld (--raise-pty-max)\n",
                   max, want);
      meta.set("pty_max_raised_to", want);
      return;
    }
    std::fprintf(stderr, "airlock-bench: could not raise kernel.pty.max to %ld (needs root)\n", want);
  }
  std::fprintf(stderr,
               "airlock-bench: kernel.pty.max is %ld with %ld in use: %zu sessions need about %ld;\n"
               "  run as root with --raise-pty-max (or: sysctl -w kernel.pty.max=%ld)\n",
               max, nr, sessions, needed, ((needed + 4095) / 4096) * 4096);
}

// What carries the sessions of one run, and the lws context it may need.
struct Carrier {
  std::unique_ptr<client::ClientContext> context;
  std::unique_ptr<Transport> transport;
  std::string url;
};

Result<Carrier> makeCarrier(uv_loop_t* loop, const Options& o, const ShellSpec& spec) {
  Carrier c;
  c.url = o.url;
  if (o.raw) {
    c.transport = std::make_unique<RawTransport>(loop, spec);
    c.url.clear();
  } else if (o.protocol == "ttyd") {
    if (c.url.empty()) c.url = "ws://127.0.0.1:7681/ws";
    WsTarget t = parseLoopbackUrl(c.url);
    c.transport = TtydTransport::create(loop, t.host, t.port, t.path, spec);
    if (!c.transport) return Error{"cannot create the lws context"};
  } else {
    if (c.url.empty()) c.url = "ws://127.0.0.1:7122/";
    parseLoopbackUrl(c.url);
    auto made = client::ClientContext::create(loop);
    if (!made) return made.error();
    c.context = std::move(*made);
    c.transport =
        std::make_unique<AirlockTransport>(*c.context, c.url, o.per_connection, spec, o.window);
  }
  return c;
}

// Destroys the carrier outside `uv_run`, then lets the loop finish closing.
void closeCarrier(uv_loop_t* loop, Carrier& carrier) {
  carrier.transport.reset();
  carrier.context.reset();
  for (int i = 0; i < 1000 && uv_run(loop, UV_RUN_NOWAIT) != 0; ++i) {
  }
  if (uv_loop_close(loop) != 0) std::fprintf(stderr, "airlock-bench: handles left on the loop\n");
}

// The run's metadata: what was measured, where, under which load.
Json runHeader(const Options& o, const Carrier& carrier, const ShellSpec& spec, long nofile) {
  Json result = Json::object();
  result.set("tool", "airlock-bench");
  result.set("label", o.label);
  result.set("carrier", carrier.transport->name());
  if (!carrier.url.empty()) result.set("url", carrier.url);
  result.set("server_pid", o.pid);
  result.set("started", isoTimeNow());
  result.set("load_start", loadArray());
  utsname un{};
  uname(&un);
  result.set("kernel", std::string(un.release));
  result.set("cpus", sysconf(_SC_NPROCESSORS_ONLN));
  result.set("rlimit_nofile", nofile);
  result.set("per_connection", o.per_connection);
  std::string shell;
  for (const auto& w : spec.argv) {
    if (!shell.empty()) shell += ' ';
    shell += w;
  }
  result.set("shell", o.protocol == "ttyd" && !o.raw ? "ttyd's own command" : shell);
  result.set("recording", "not in the daemon yet: every number is without recording");
  result.set("command", o.command);
  for (const auto& s : o.scenarios) {
    if (s == "max") checkPtyRoom(o, o.max_sessions + 1, result);
  }
  return result;
}

// Runs the scenarios named by `--scenarios`, in order, within `--time-limit`.
Json runScenarios(Scenarios& scenarios, const Options& o, const std::string& carrier) {
  Json list = Json::array();
  int64_t start = nowNs();
  auto budgetLeft = [&] { return static_cast<double>(nowNs() - start) / 1e9 < o.time_limit; };
  auto record = [&](Json j) {
    std::fprintf(stderr, "airlock-bench: %s\n", j.dump().c_str());
    list.push(std::move(j));
  };
  for (const auto& s : o.scenarios) {
    if (s == "throughput") {
      for (size_t n : o.throughput_sessions) {
        if (!budgetLeft() || n == 0) continue;
        record(scenarios.throughput(n, std::min<uint64_t>(kDataBytes, o.total_bytes / n)));
      }
    } else if (s == "echo") {
      if (budgetLeft()) record(scenarios.echo(0, 0, o.keys));
      if (budgetLeft() && o.echo_idle > 0) record(scenarios.echo(o.echo_idle, 0, o.keys));
      if (budgetLeft() && o.echo_busy > 0) record(scenarios.echo(0, o.echo_busy, o.keys));
      // airlock multiplexes: also the measured session on a WebSocket of its own.
      if (budgetLeft() && o.echo_busy > 0 && carrier == "airlock") {
        record(scenarios.echo(0, o.echo_busy, o.keys, true));
      }
      if (budgetLeft() && o.echo_busy > 0) record(scenarios.echoSeparateClient(o.echo_busy, o.keys));
    } else if (s == "setup") {
      if (budgetLeft()) record(scenarios.setup(o.setup_count, false));
      if (budgetLeft() && carrier == "airlock") record(scenarios.setup(o.setup_count, true));
    } else if (s == "memory") {
      if (budgetLeft()) record(scenarios.memory(o.memory_sessions));
    } else if (s == "max") {
      if (budgetLeft()) record(scenarios.maxSessions(o.max_sessions, o.keys));
    } else {
      std::fprintf(stderr, "airlock-bench: unknown scenario %s (skipped)\n", s.c_str());
    }
  }
  return list;
}

int writeOutputs(const Options& o, const Json& result) {
  Run run{o.label.empty() ? result.find("carrier")->string() : o.label, result};
  std::printf("%s", summaryTable(run).c_str());
  if (!o.out.empty() && !writeFile(o.out, result.dump(1) + "\n")) {
    std::fprintf(stderr, "airlock-bench: cannot write %s\n", o.out.c_str());
    return 73;
  }
  if (!o.svg.empty() && !writeFile(o.svg, renderSvg({run}))) {
    std::fprintf(stderr, "airlock-bench: cannot write %s\n", o.svg.c_str());
    return 73;
  }
  return 0;
}

int runMode(const Options& o) {
  long nofile = raiseFileLimit();
  ShellSpec spec;
  if (!o.shell.empty()) spec.argv = o.shell;
  if (auto made = ensureDataFile(o.data_file, kDataBytes); !made) {
    std::fprintf(stderr, "airlock-bench: %s\n", made.error().message.c_str());
    return 73;
  }
  client::configureLwsLogging(false);
  uv_loop_t loop;
  uv_loop_init(&loop);
  auto carrier = makeCarrier(&loop, o, spec);
  if (!carrier) {
    std::fprintf(stderr, "airlock-bench: %s\n", carrier.error().message.c_str());
    uv_loop_close(&loop);
    return 70;
  }
  ScenarioOptions so;
  so.data_file = o.data_file;
  so.server_pid = o.pid;
  so.max_seconds = o.max_seconds;
  so.helper_argv.push_back("/proc/self/exe");
  for (const auto& a : o.carrier_args) so.helper_argv.push_back(a);

  if (o.stream_helper > 0) {  // We are another run's busy client.
    int rc;
    {
      Scenarios helper(&loop, *carrier->transport, so);
      rc = helper.streamHelper(o.stream_helper);
    }
    closeCarrier(&loop, *carrier);
    return rc;
  }
  Json result = runHeader(o, *carrier, spec, nofile);
  {
    Scenarios scenarios(&loop, *carrier->transport, so);
    result.set("scenarios", runScenarios(scenarios, o, carrier->transport->name()));
  }
  result.set("load_end", loadArray());
  result.set("finished", isoTimeNow());
  closeCarrier(&loop, *carrier);
  return writeOutputs(o, result);
}

}  // namespace
}  // namespace airlock::bench

int main(int argc, char** argv) {
  using namespace airlock::bench;
  Options o = parseOptions(argc, argv);
  if (!o.compare.empty() || !o.plot.empty()) return reportMode(o);
  return runMode(o);
}
