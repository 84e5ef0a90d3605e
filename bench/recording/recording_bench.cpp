// Recording benchmarks (bench/recording/README.md has the numbers and commands).
//
//   BM_FillBatch        loop-thread cost: EventBatch appends of 4 KiB output reads.
//   BM_RecordCorpus     whole writer path per GB of typical terminal output
//                       (batch, encode, zstd, SHA-256 chain, Ed25519, append):
//                       throughput, CPU s/GB, compression ratio.
//   BM_RecordInteractive the same on a synthetic interactive session.
//   BM_IdleSessionMemory heap held per recorded session between frames.
//
// The corpus comes from $AIRLOCK_BENCH_CORPUS (bench/recording/gen_corpus.sh);
// files are written under $AIRLOCK_BENCH_DIR (default /tmp).
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "airlock/recording.h"

using namespace airlock::replay;

namespace {

constexpr size_t kReadBytes = 4096;  // One PTY read.

// Heap in use: small blocks plus mmap'd large blocks (zstd contexts are large).
size_t heapInUse() {
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

double cpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

std::string benchDir() {
  const char* d = std::getenv("AIRLOCK_BENCH_DIR");
  return d != nullptr ? d : "/tmp";
}

const std::string& corpus() {
  static std::string data = [] {
    const char* path = std::getenv("AIRLOCK_BENCH_CORPUS");
    if (path == nullptr) return std::string();
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  return data;
}

std::shared_ptr<const RecordingSigner> signer() {
  static auto s = RecordingSigner::generate().value();
  return s;
}

RecordingMetadata metadata(const std::string& id) {
  RecordingMetadata m;
  m.sessionId = id;
  m.user = "bench";
  m.target = "bench-target";
  m.argv = {"bash"};
  m.term = "xterm-256color";
  return m;
}

struct Chunk {
  uint64_t timeUs;
  std::string bytes;
};

// A deterministic interactive session: prompts, typed commands echoed one key
// at a time, command output, and full-screen TUI redraws.
std::vector<Chunk> interactiveSession() {
  std::vector<Chunk> out;
  uint32_t seed = 12345;
  auto rnd = [&](uint32_t n) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % n;
  };
  const char* commands[] = {"ls -la", "git status", "make -j2", "vim main.cpp", "top",
                            "cat /etc/os-release", "grep -rn TODO src", "cd src", "history"};
  uint64_t t = 0;
  for (int round = 0; round < 400; ++round) {
    out.push_back({t, "\x1b[01;32mdev@web-1\x1b[00m:\x1b[01;34m~/src\x1b[00m$ "});
    std::string cmd = commands[rnd(9)];
    for (char c : cmd) {
      t += 80'000 + rnd(150'000);
      out.push_back({t, std::string(1, c)});
    }
    t += 100'000;
    out.push_back({t, "\r\n"});
    if (cmd == "vim main.cpp" || cmd == "top") {
      for (int frame = 0; frame < 20; ++frame) {
        std::string screen = "\x1b[H\x1b[2J";
        for (int row = 0; row < 24; ++row) {
          screen += "\x1b[" + std::to_string(row + 1) + ";1H\x1b[3" + std::to_string(row % 7) +
                    "m";
          for (int col = 0; col < 78; ++col) screen.push_back(static_cast<char>('a' + (row * 7 + col + frame * (col % 3 == 0)) % 26));
          screen += "\x1b[0m";
        }
        t += 1'000'000;
        out.push_back({t, screen});
      }
    } else {
      int lines = 3 + rnd(40);
      std::string text;
      for (int i = 0; i < lines; ++i) {
        text += "-rw-r--r-- 1 dev dev " + std::to_string(1000 + rnd(90000)) + " Nov 22 0" +
                std::to_string(rnd(10)) + ":1" + std::to_string(rnd(10)) + " \x1b[01;34mfile_" +
                std::to_string(rnd(500)) + ".cpp\x1b[0m\r\n";
      }
      t += 5'000 + rnd(50'000);
      out.push_back({t, text});
    }
    t += 2'000'000 + rnd(8'000'000);  // Think time.
  }
  return out;
}

// Feeds chunks through EventBatch + RecordingWriter the way the daemon does.
struct RecordResult {
  uint64_t inputBytes = 0;
  uint64_t fileBytes = 0;
  uint64_t frames = 0;
};

RecordResult record(const std::vector<Chunk>& chunks, CompressorPool& pool, SyncPolicy sync,
                    const std::string& path) {
  std::filesystem::remove(path);
  auto w = RecordingWriter::create(path, metadata("bench"), signer(), {16, sync});
  if (!w.ok()) std::abort();
  FramePolicy policy;
  EventBatch batch;
  RecordResult r;
  for (const Chunk& c : chunks) {
    if (batch.due(c.timeUs, policy)) {
      if (!w->appendFrame(batch, pool).ok()) std::abort();
      batch.clear();
    }
    batch.addOutput(c.timeUs, c.bytes);
    r.inputBytes += c.bytes.size();
  }
  if (!batch.empty() && !w->appendFrame(batch, pool).ok()) std::abort();
  if (!w->finish().ok()) std::abort();
  r.fileBytes = w->fileBytes();
  r.frames = w->frames();
  return r;
}

std::vector<Chunk> corpusChunks() {
  // A fast stream: one 4 KiB read every 50 us (80 MB/s), frames close at 64 KiB.
  std::vector<Chunk> chunks;
  const std::string& c = corpus();
  for (size_t off = 0, i = 0; off < c.size(); off += kReadBytes, ++i) {
    chunks.push_back({i * 50, c.substr(off, kReadBytes)});
  }
  return chunks;
}

void runRecord(benchmark::State& state, const std::vector<Chunk>& chunks) {
  CompressorPool pool({static_cast<int>(state.range(0)), 1});
  SyncPolicy sync = state.range(1) ? SyncPolicy::kCheckpoints : SyncPolicy::kNone;
  std::string path = benchDir() + "/airlock-bench-" + std::to_string(getpid()) + ".alrec";
  RecordResult r;
  double cpu = 0;
  for (auto _ : state) {
    double c0 = cpuSeconds();
    r = record(chunks, pool, sync, path);
    cpu += cpuSeconds() - c0;
  }
  std::filesystem::remove(path);
  double gb = static_cast<double>(r.inputBytes) * state.iterations() / 1e9;
  state.SetBytesProcessed(static_cast<int64_t>(r.inputBytes) * state.iterations());
  state.counters["ratio"] = static_cast<double>(r.inputBytes) / r.fileBytes;
  state.counters["cpu_s_per_GB"] = cpu / gb;
  state.counters["input_MB"] = r.inputBytes / 1e6;
  state.counters["frames"] = static_cast<double>(r.frames);
}

void BM_RecordCorpus(benchmark::State& state) {
  if (corpus().empty()) {
    state.SkipWithError("set AIRLOCK_BENCH_CORPUS (bench/recording/gen_corpus.sh)");
    return;
  }
  static std::vector<Chunk> chunks = corpusChunks();
  runRecord(state, chunks);
}
BENCHMARK(BM_RecordCorpus)
    ->ArgNames({"level", "sync"})
    ->Args({1, 0})
    ->Args({3, 0})
    ->Args({3, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

void BM_RecordInteractive(benchmark::State& state) {
  static std::vector<Chunk> chunks = interactiveSession();
  runRecord(state, chunks);
  state.counters["session_minutes"] = chunks.back().timeUs / 60e6;
}
BENCHMARK(BM_RecordInteractive)
    ->ArgNames({"level", "sync"})
    ->Args({3, 0})
    ->Args({3, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);

void BM_FillBatch(benchmark::State& state) {
  std::string read(kReadBytes, 'x');
  uint64_t t = 0;
  EventBatch batch;
  size_t bytes = 0;
  for (auto _ : state) {
    batch.addOutput(t, read);
    t += 2000;  // Not coalesced: one event per read.
    bytes += read.size();
    if (batch.dataBytes() >= 64 * 1024) batch.clear();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_FillBatch);

void BM_IdleSessionMemory(benchmark::State& state) {
  const int sessions = static_cast<int>(state.range(0));
  std::string dir = benchDir() + "/airlock-bench-idle-" + std::to_string(getpid());
  CompressorPool pool({3, 4});
  for (auto _ : state) {
    std::filesystem::create_directories(dir);
    malloc_trim(0);
    size_t before = heapInUse();
    std::vector<RecordingWriter> writers;
    std::vector<EventBatch> batches(sessions);
    writers.reserve(sessions);
    size_t resident = 0;
    for (int i = 0; i < sessions; ++i) {
      std::string id = "session-" + std::to_string(100000 + i);
      auto w = RecordingWriter::create(dir + "/" + id + ".alrec", metadata(id), signer());
      if (!w.ok()) std::abort();
      // One frame of a prompt, then idle: the batch is empty again.
      batches[i].addOutput(0, "\x1b[01;32mdev@web-1\x1b[00m:~$ ");
      if (!w->appendFrame(batches[i], pool).ok()) std::abort();
      batches[i].clear();
      resident += w->residentBytes();
      writers.push_back(std::move(*w));
    }
    size_t after = heapInUse();
    state.counters["heap_bytes_per_idle_session"] =
        static_cast<double>(after - before) / sessions;
    state.counters["writer_resident_bytes"] = static_cast<double>(resident) / sessions;
    state.counters["zstd_contexts_in_pool"] = static_cast<double>(pool.contextsCreated());
    writers.clear();
    std::filesystem::remove_all(dir);
  }
}
BENCHMARK(BM_IdleSessionMemory)->Arg(2000)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_PoolContextMemory(benchmark::State& state) {
  // What the shared pool costs once, for the whole process (contexts are reused).
  for (auto _ : state) {
    malloc_trim(0);
    size_t before = heapInUse();
    auto* pool = new CompressorPool({static_cast<int>(state.range(0)), 4});
    std::string frame(64 * 1024, 'a');
    for (size_t i = 0; i < frame.size(); i += 7) frame[i] = static_cast<char>(i * 31);
    std::string out;
    if (!pool->compressFrame(frame, out).ok()) std::abort();
    size_t after = heapInUse();
    state.counters["heap_bytes_per_context"] = static_cast<double>(after - before - out.capacity());
    delete pool;
  }
}
BENCHMARK(BM_PoolContextMemory)->Arg(1)->Arg(3)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
