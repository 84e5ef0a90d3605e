// The RecordIO codec of the Mesos agent API (daemon/agent/recordio.h) on
// fixed inputs: records the size of the agent's ProcessIO data messages.
#include <benchmark/benchmark.h>

#include <string>

#include "agent/recordio.h"

namespace airlock::agent {
namespace {

constexpr int64_t kRecords = 64;

// `count` records of `size` bytes each, encoded back to back.
std::string fixedStream(size_t size, size_t count) {
  std::string record(size, 'x');
  for (size_t i = 0; i < size; ++i) record[i] = static_cast<char>('A' + i % 61);
  std::string out;
  for (size_t i = 0; i < count; ++i) appendRecord(out, record);
  return out;
}

void BM_EncodeRecord(benchmark::State& state) {
  std::string record(static_cast<size_t>(state.range(0)), 'r');
  std::string out;
  for (auto _ : state) {
    out.clear();
    appendRecord(out, record);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_EncodeRecord)->Arg(64)->Arg(4096)->Arg(88 * 1024);

// The stream arrives in whole: one feed, many records.
void BM_DecodeWhole(benchmark::State& state) {
  std::string stream = fixedStream(static_cast<size_t>(state.range(0)), kRecords);
  for (auto _ : state) {
    RecordIoDecoder decoder;
    size_t n = 0;
    decoder.feed(stream, [&](std::string_view r) { n += r.size(); });
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(stream.size()));
  state.SetItemsProcessed(state.iterations() * kRecords);
}
BENCHMARK(BM_DecodeWhole)->Arg(64)->Arg(4096)->Arg(88 * 1024);

// The stream arrives in 1500-byte pieces (records span chunks).
void BM_DecodeChunked(benchmark::State& state) {
  std::string stream = fixedStream(static_cast<size_t>(state.range(0)), kRecords);
  constexpr size_t kChunk = 1500;
  for (auto _ : state) {
    RecordIoDecoder decoder;
    size_t n = 0;
    for (size_t off = 0; off < stream.size(); off += kChunk) {
      decoder.feed(std::string_view(stream).substr(off, kChunk),
                   [&](std::string_view r) { n += r.size(); });
    }
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(stream.size()));
  state.SetItemsProcessed(state.iterations() * kRecords);
}
BENCHMARK(BM_DecodeChunked)->Arg(64)->Arg(4096)->Arg(88 * 1024);

}  // namespace
}  // namespace airlock::agent
