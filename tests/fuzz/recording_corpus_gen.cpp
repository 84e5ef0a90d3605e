// Writes the seed corpus of recording_fuzz: small real recordings (sealed,
// unsealed, torn, every event type). Built by tests/replay/CMakeLists.txt;
// not run by ctest. Regenerate with
//   build/tests/replay/recording_corpus_gen tests/fuzz/corpus/recording
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "airlock/recording.h"

using namespace airlock::replay;

namespace {

RecordingMetadata metadata() {
  RecordingMetadata m;
  m.sessionId = "seed";
  m.user = "u";
  m.target = "t";
  m.argv = {"sh"};
  m.term = "xterm";
  m.startTimeUnixUs = 1'700'000'000'000'000ull;
  return m;
}

bool write(const std::string& path, int frames, bool finish, bool allTypes,
           const std::shared_ptr<const RecordingSigner>& signer, CompressorPool& pool) {
  std::filesystem::remove(path);
  auto w = RecordingWriter::create(path, metadata(), signer, {2, SyncPolicy::kNone});
  if (!w.ok()) return false;
  for (int i = 0; i < frames; ++i) {
    EventBatch b(0);
    uint64_t t = i * 1'000'000ull;
    b.addOutput(t, "\x1b[1mline " + std::to_string(i) + "\xE2\x82\x1b[0m\r\n");
    if (allTypes) {
      b.addInput(t + 1, "ls\r");
      b.addRedactedInput(t + 2);
      b.addResize(t + 3, 80, 24);
      b.addMarker(t + 4, "m");
      b.addExit(t + 5, 1);
    }
    if (!w->appendFrame(b, pool).ok()) return false;
  }
  return !finish || w->finish().ok();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  std::filesystem::create_directories(dir);
  auto signer = RecordingSigner::generate();
  if (!signer.ok()) return 1;
  CompressorPool pool({3, 1});
  bool ok = write(dir + "/sealed.alrec", 3, true, false, *signer, pool) &&
            write(dir + "/all_events.alrec", 2, true, true, *signer, pool) &&
            write(dir + "/unsealed.alrec", 3, false, false, *signer, pool) &&
            write(dir + "/empty_sealed.alrec", 0, true, false, *signer, pool);
  if (!ok) return 1;
  // A torn copy: the sealed file cut in the middle of its last frame.
  std::ifstream in(dir + "/unsealed.alrec", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::ofstream(dir + "/torn.alrec", std::ios::binary) << bytes.substr(0, bytes.size() - 20);
  return 0;
}
