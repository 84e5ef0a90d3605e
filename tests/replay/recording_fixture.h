// Helpers for the replay tests: a temporary directory, a signer, and small
// recordings written through the real writer.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "airlock/recording.h"

namespace airlock::replay::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/airlock-replay-test-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline RecordingMetadata sampleMetadata(const std::string& sessionId = "s-1") {
  RecordingMetadata m;
  m.sessionId = sessionId;
  m.user = "alice";
  m.target = "web-1";
  m.appId = "/shop/web";
  m.argv = {"bash", "-l"};
  m.cols = 100;
  m.rows = 30;
  m.term = "xterm-256color";
  m.authzDecision = "allow";
  m.authzRule = "ops-can-exec";
  m.agentId = "agent-7";
  m.hostname = "node-7";
  m.daemonVersion = "0.1.0";
  m.startTimeUnixUs = 1'795'000'000'000'000ull;
  return m;
}

inline std::shared_ptr<const RecordingSigner> testSigner() {
  static auto signer = RecordingSigner::generate().value();
  return signer;
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void writeFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// One batch per entry of `frames`: output text at 1 ms steps, one frame per second.
inline RecordingWriter writeRecording(const std::string& path,
                                      const std::vector<std::string>& frames,
                                      WriterOptions options = {}, bool finish = true,
                                      const RecordingMetadata& meta = sampleMetadata(),
                                      std::shared_ptr<const RecordingSigner> signer = testSigner()) {
  static CompressorPool pool({3, 2});
  auto w = RecordingWriter::create(path, meta, std::move(signer), options);
  EXPECT_TRUE(w.ok()) << (w.ok() ? "" : w.error().message);
  uint64_t t = 0;
  for (const std::string& text : frames) {
    EventBatch batch(0);
    batch.addOutput(t, text);
    batch.addOutput(t + 1000, "\r\n");
    t += 1'000'000;
    auto r = w->appendFrame(batch, pool);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  }
  if (finish) {
    EXPECT_TRUE(w->finish().ok());
  }
  return std::move(*w);
}

inline VerifyReport verifyBytes(const std::string& bytes, const VerifyKey* key) {
  auto source = makeBufferSource(bytes);
  return verifyRecording(*source, key);
}

inline VerifyKey testKey() { return VerifyKey::fromPem(testSigner()->publicKeyPem()).value(); }

// Offsets and sizes of the records of a recording (parsed from their heads).
struct Span {
  size_t offset;
  size_t size;
  uint8_t type;
};

inline std::vector<Span> recordSpans(const std::string& bytes) {
  std::vector<Span> out;
  size_t at = 8;
  while (at + 9 <= bytes.size()) {
    uint32_t len = 0;
    for (int i = 3; i >= 0; --i) len = (len << 8) | static_cast<uint8_t>(bytes[at + 1 + i]);
    size_t size = 9 + 8 + len + 32;
    if (at + size > bytes.size()) break;
    out.push_back({at, size, static_cast<uint8_t>(bytes[at])});
    at += size;
  }
  return out;
}

inline bool anyContains(const std::vector<std::string>& lines, const std::string& needle) {
  for (const auto& l : lines) {
    if (l.find(needle) != std::string::npos) return true;
  }
  return false;
}

inline std::string joinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace airlock::replay::testing
