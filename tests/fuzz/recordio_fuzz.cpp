// Fuzz target: the RecordIO decoder (daemon/agent/recordio.h) over agent
// stream bytes, fed in two chunks split at a point taken from the input, and
// every decoded record through the ProcessIO decoders (protobuf and Mesos
// JSON). Invariants: no crash, no record over the limit, and the same
// records whatever the split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "agent/agent_calls.h"
#include "agent/recordio.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  constexpr size_t kLimit = 1 << 16;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  size_t split = bytes.empty() ? 0 : data[0] % (bytes.size() + 1);

  std::vector<std::string> whole, chunked;
  airlock::agent::RecordIoDecoder a(kLimit), b(kLimit);
  a.feed(bytes, [&](std::string_view r) { whole.emplace_back(r); });
  b.feed(bytes.substr(0, split), [&](std::string_view r) { chunked.emplace_back(r); });
  b.feed(bytes.substr(split), [&](std::string_view r) { chunked.emplace_back(r); });
  if (whole != chunked || a.failed() != b.failed()) std::abort();
  for (const auto& record : whole) {
    if (record.size() > kLimit) std::abort();
    mesos::agent::ProcessIO io;
    (void)airlock::agent::decodeMessage(record, airlock::agent::ContentType::kProtobuf, io);
    (void)airlock::agent::decodeMessage(record, airlock::agent::ContentType::kJson, io);
  }
  return 0;
}
