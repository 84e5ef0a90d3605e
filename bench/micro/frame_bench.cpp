// The airlock.v1 frame codec (proto/frame.h) on fixed inputs.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "frame.h"

namespace airlock::proto {
namespace {

std::vector<uint8_t> fixedPayload(size_t n) {
  std::vector<uint8_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>('A' + i % 61);
  return out;
}

v1::Open fixedOpen() {
  v1::Open open;
  open.set_target("host");
  open.add_argv("bash");
  open.add_argv("--norc");
  open.add_argv("--noprofile");
  (*open.mutable_env())["PS1"] = "$ ";
  (*open.mutable_env())["TERM"] = "xterm-256color";
  open.set_tty(true);
  open.set_rows(24);
  open.set_cols(80);
  return open;
}

// The daemon's output path: a header written in front of bytes already in place.
void BM_WriteHeader(benchmark::State& state) {
  uint8_t buf[kHeaderBytes];
  uint32_t channel = 1;
  for (auto _ : state) {
    writeHeader(buf, FrameType::kStdout, channel++);
    benchmark::DoNotOptimize(buf);
  }
}
BENCHMARK(BM_WriteHeader);

void BM_EncodeStdout(benchmark::State& state) {
  auto payload = fixedPayload(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    std::string frame = encodeFrame(FrameType::kStdout, 7, payload);
    benchmark::DoNotOptimize(frame.data());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_EncodeStdout)->Arg(1)->Arg(4096)->Arg(16384)->Arg(65536);

void BM_DecodeStdout(benchmark::State& state) {
  auto payload = fixedPayload(static_cast<size_t>(state.range(0)));
  std::string frame = encodeFrame(FrameType::kStdout, 7, payload);
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(frame.data()), frame.size());
  FrameLimits limits;
  for (auto _ : state) {
    auto decoded = decodeFrame(bytes, limits);
    benchmark::DoNotOptimize(decoded);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_DecodeStdout)->Arg(1)->Arg(4096)->Arg(16384)->Arg(65536);

void BM_EncodeCredit(benchmark::State& state) {
  v1::Credit credit;
  credit.set_bytes(1 << 20);
  for (auto _ : state) {
    std::string frame = encodeFrame(FrameType::kCredit, 7, credit);
    benchmark::DoNotOptimize(frame.data());
  }
}
BENCHMARK(BM_EncodeCredit);

void BM_DecodeCredit(benchmark::State& state) {
  v1::Credit credit;
  credit.set_bytes(1 << 20);
  std::string frame = encodeFrame(FrameType::kCredit, 7, credit);
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(frame.data()), frame.size());
  FrameLimits limits;
  for (auto _ : state) {
    auto decoded = decodeFrame(bytes, limits);
    v1::Credit out;
    auto parsed = decodeMessage(*decoded, out);
    benchmark::DoNotOptimize(parsed);
    benchmark::DoNotOptimize(out.bytes());
  }
}
BENCHMARK(BM_DecodeCredit);

void BM_EncodeOpen(benchmark::State& state) {
  v1::Open open = fixedOpen();
  for (auto _ : state) {
    std::string frame = encodeFrame(FrameType::kOpen, 7, open);
    benchmark::DoNotOptimize(frame.data());
  }
}
BENCHMARK(BM_EncodeOpen);

// What the daemon does with each OPEN: decode, parse, validate.
void BM_DecodeAndValidateOpen(benchmark::State& state) {
  std::string frame = encodeFrame(FrameType::kOpen, 7, fixedOpen());
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(frame.data()), frame.size());
  FrameLimits limits;
  for (auto _ : state) {
    auto result = decodeAndValidate(bytes, limits);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_DecodeAndValidateOpen);

// A rejected frame (unknown type) must stay cheap: the fuzzer's common case.
void BM_RejectBadFrame(benchmark::State& state) {
  std::vector<uint8_t> bad = {0xee, 0, 0, 0, 7, 'x'};
  FrameLimits limits;
  for (auto _ : state) {
    auto decoded = decodeFrame(bad, limits);
    benchmark::DoNotOptimize(decoded);
  }
}
BENCHMARK(BM_RejectBadFrame);

}  // namespace
}  // namespace airlock::proto
