// asciicast v2/v3 and txt exports, byte for byte, and Debian's asciinema 2.2
// reading our v2 export back.
#include <sstream>

#include "event_walk.h"
#include "exporter.h"
#include "player.h"
#include "recording_fixture.h"

namespace airlock::replay {
namespace {

using namespace testing;

// "é" = C3 A9 and "€" = E2 82 AC, split across events.
std::string writeSplitUtf8(const TempDir& dir) {
  std::string path = dir.file("u.alrec");
  CompressorPool pool({3, 1});
  auto w = RecordingWriter::create(path, sampleMetadata(), testSigner(), {4, SyncPolicy::kNone});
  EventBatch b(0);
  b.addOutput(0, "caf\xC3");
  b.addOutput(250'000, "\xA9 \xE2\x82");
  b.addOutput(500'500, "\xAC\x1b[1m\"q\"\x1b[0m\r\n");
  b.addResize(600'000, 120, 40);
  b.addMarker(700'000, "m1");
  b.addRedactedInput(750'000);
  b.addExit(1'234'567, 0);
  EXPECT_TRUE(w->appendFrame(b, pool).ok());
  EXPECT_TRUE(w->finish().ok());
  return path;
}

std::string exported(const std::string& path, ExportFormat format) {
  auto reader = RecordingReader::openFile(path);
  std::ostringstream out;
  EXPECT_TRUE(exportRecording(*reader, format, out).ok());
  return out.str();
}

std::string catBytes(const std::string& path) {
  auto reader = RecordingReader::openFile(path);
  std::string out;
  EXPECT_TRUE(forEachEvent(*reader, 0, [&](const Event& e) {
    if (e.type == EventType::kOutput) out += e.data;
    return true;
  }).ok());
  return out;
}

TEST(ExporterTest, AsciicastV2IsExact) {
  TempDir dir;
  std::string cast = exported(writeSplitUtf8(dir), ExportFormat::kAsciicastV2);
  EXPECT_EQ(cast,
            "{\"version\": 2, \"width\": 100, \"height\": 30, \"timestamp\": 1795000000, "
            "\"duration\": 1.234567, \"command\": \"bash -l\", \"title\": \"airlock session s-1 "
            "(alice@web-1)\", \"env\": {\"TERM\": \"xterm-256color\"}}\n"
            "[0.000000, \"o\", \"caf\"]\n"
            "[0.250000, \"o\", \"\xC3\xA9 \"]\n"
            "[0.500500, \"o\", \"\xE2\x82\xAC\\u001b[1m\\\"q\\\"\\u001b[0m\\r\\n\"]\n"
            "[0.600000, \"r\", \"120x40\"]\n"
            "[0.700000, \"m\", \"m1\"]\n");
}

TEST(ExporterTest, AsciicastV3IsExactWithMillisecondIntervalsAndExit) {
  TempDir dir;
  std::string cast = exported(writeSplitUtf8(dir), ExportFormat::kAsciicastV3);
  // Intervals 0, 250, 250.5->251 (error -0.5 carried), 99.5->99... sums stay exact.
  EXPECT_EQ(cast,
            "{\"version\": 3, \"term\": {\"cols\": 100, \"rows\": 30, \"type\": "
            "\"xterm-256color\"}, \"timestamp\": 1795000000, \"command\": \"bash -l\", "
            "\"title\": \"airlock session s-1 (alice@web-1)\", \"tags\": [\"airlock\"]}\n"
            "[0.000, \"o\", \"caf\"]\n"
            "[0.250, \"o\", \"\xC3\xA9 \"]\n"
            "[0.251, \"o\", \"\xE2\x82\xAC\\u001b[1m\\\"q\\\"\\u001b[0m\\r\\n\"]\n"
            "[0.099, \"r\", \"120x40\"]\n"
            "[0.100, \"m\", \"m1\"]\n"
            "[0.535, \"x\", \"0\"]\n");
}

TEST(ExporterTest, TxtHasNoEscapes) {
  TempDir dir;
  EXPECT_EQ(exported(writeSplitUtf8(dir), ExportFormat::kTxt), "caf\xC3\xA9 \xE2\x82\xAC\"q\"\n");
}

std::string runCommand(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *status = pclose(p);
  return out;
}

TEST(ExporterTest, DebianAsciinemaCatReadsTheV2ExportAndGivesTheCatBytes) {
  if (system("command -v asciinema >/dev/null && command -v script >/dev/null") != 0) {
    GTEST_FAIL() << "asciinema (Debian 2.2) and script are needed: apt-get install -y asciinema";
  }
  TempDir dir;
  std::string path = writeSplitUtf8(dir);
  // A longer, more typical session too.
  std::vector<std::string> frames;
  for (int i = 0; i < 30; ++i) {
    frames.push_back("\x1b[01;34mdir" + std::to_string(i) + "\x1b[0m  \xE6\x97\xA5\xE6\x9C\xAC  tab\there");
  }
  writeRecording(dir.file("long.alrec"), frames);
  for (const std::string& rec : {path, dir.file("long.alrec")}) {
    std::string cast = dir.file("x.cast");
    writeFile(cast, exported(rec, ExportFormat::kAsciicastV2));
    // asciinema 2.2 `cat` needs a tty: run it under script(1), with output
    // post-processing off so the pty does not turn \n into \r\n.
    int status = 0;
    std::string got = runCommand("script -qec 'stty -opost; asciinema cat " + cast +
                                     "' /dev/null </dev/null",
                                 &status);
    EXPECT_EQ(status, 0);
    EXPECT_EQ(got, catBytes(rec)) << rec;
  }
}

TEST(PlayerTest, TimingSpeedIdleLimitAndSeek) {
  TempDir dir;
  writeRecording(dir.file("p.alrec"), {"a", "b", "c", "d"});  // Frames at 0, 1, 2, 3 s.
  auto reader = RecordingReader::openFile(dir.file("p.alrec"));
  std::vector<uint64_t> sleeps;
  std::string shown;
  PlayOptions o;
  o.speed = 2;
  o.idleLimitUs = 600'000;
  o.fromUs = 1'500'000;
  Player player(*reader, o, [&](std::string_view b) { shown += b; return true; },
                [&](uint64_t us) { sleeps.push_back(us); });
  ASSERT_TRUE(player.run().ok());
  EXPECT_EQ(shown, "\x1b[H\x1b[2Jc\r\nd\r\n");  // Jumped via the index past "a" and "b".
  // 1.5 s -> 2 s (0.5 s / 2), +1 ms, 2.001 -> 3 s capped at 0.6 s, /2; +1 ms.
  EXPECT_EQ(sleeps, (std::vector<uint64_t>{250'000, 500, 300'000, 500}));
}

}  // namespace
}  // namespace airlock::replay
