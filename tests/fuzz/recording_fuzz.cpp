// Fuzz target for the recording reader, verifier and exporters (style R28):
// any bytes must be rejected or read without crashing, hanging or allocating
// past the format's limits.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "airlock/recording_reader.h"
#include "airlock/recording_verifier.h"
#include "exporter.h"

namespace {
// Decoding every frame of a large input is slow without telling us more.
constexpr size_t kMaxFramesDecoded = 64;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace airlock::replay;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto source = makeBufferSource(bytes);
  VerifyReport report = verifyRecording(*source, nullptr);
  (void)report;
  auto reader = RecordingReader::open(makeBufferSource(bytes));
  if (!reader.ok()) return 0;
  for (size_t i = 0; i < reader->frames().size() && i < kMaxFramesDecoded; ++i) {
    auto events = reader->readFrame(i);
    (void)events;
  }
  (void)reader->frameAt(reader->durationUs() / 2);
  if (reader->frames().size() <= kMaxFramesDecoded) {
    std::ostringstream out;
    (void)exportRecording(*reader, ExportFormat::kAsciicastV3, out);
  }
  return 0;
}
