// A recording cut at any byte reads back every frame completed before the cut.
#include <signal.h>
#include <sys/wait.h>

#include "event_walk.h"
#include "listening_process.h"
#include "recording_fixture.h"

namespace airlock::replay {
namespace {

using namespace testing;

TEST(TruncationTest, CutAtEveryOffsetRecoversTheCompleteFrames) {
  TempDir dir;
  std::vector<std::string> frames = {"one", "two", "three", "four", "five"};
  writeRecording(dir.file("a.alrec"), frames, {2, SyncPolicy::kNone});
  std::string bytes = readFile(dir.file("a.alrec"));
  auto spans = recordSpans(bytes);
  size_t headerEnd = spans[0].offset + spans[0].size;
  auto key = testKey();
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    std::string t = bytes.substr(0, cut);
    size_t complete = 0;
    for (const Span& s : spans) {
      if (s.type == 2 && s.offset + s.size <= cut) ++complete;
    }
    auto reader = RecordingReader::open(makeBufferSource(t));
    if (cut < headerEnd) {
      EXPECT_FALSE(reader.ok()) << "cut " << cut;
      continue;
    }
    ASSERT_TRUE(reader.ok()) << "cut " << cut << ": " << reader.error().message;
    ASSERT_EQ(reader->frames().size(), complete) << "cut " << cut;
    EXPECT_NE(reader->tail(), TailState::kSealed) << "cut " << cut;
    EXPECT_NE(reader->tail(), TailState::kCorrupt) << "cut " << cut;
    std::string text;
    ASSERT_TRUE(forEachEvent(*reader, 0, [&](const Event& e) {
      text += e.data;
      return true;
    }).ok());
    std::string expected;
    for (size_t i = 0; i < complete; ++i) expected += frames[i] + "\r\n";
    ASSERT_EQ(text, expected) << "cut " << cut;
    auto report = verifyBytes(t, &key);
    ASSERT_EQ(report.status, VerifyStatus::kTruncatedValid)
        << "cut " << cut << ": " << joinLines(report.problems);
    ASSERT_EQ(report.frames, complete);
  }
}

TEST(TruncationTest, ZeroFilledTailAfterPowerLossIsTruncatedNotCorrupt) {
  TempDir dir;
  writeRecording(dir.file("a.alrec"), {"one", "two", "three"}, {2, SyncPolicy::kNone}, false);
  std::string bytes = readFile(dir.file("a.alrec")) + std::string(4096, '\0');
  auto reader = RecordingReader::open(makeBufferSource(bytes));
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->tail(), TailState::kTorn);
  EXPECT_EQ(reader->frames().size(), 3u);
  auto key = testKey();
  auto report = verifyBytes(bytes, &key);
  EXPECT_EQ(report.status, VerifyStatus::kTruncatedValid) << joinLines(report.problems);
  EXPECT_EQ(report.signedFrames, 2u);
  EXPECT_TRUE(anyContains(report.notes, "1 frame(s) after the last checkpoint"));
}

TEST(TruncationTest, UnfinishedWriterLeavesAnUnsealedValidFile) {
  TempDir dir;
  writeRecording(dir.file("a.alrec"), {"one", "two", "three"}, {16, SyncPolicy::kNone}, false);
  auto reader = RecordingReader::openFile(dir.file("a.alrec"));
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->tail(), TailState::kUnsealed);
  EXPECT_EQ(reader->frames().size(), 3u);
}

}  // namespace
}  // namespace airlock::replay

namespace airlock::replay {
namespace {

using namespace testing;

TEST(TruncationTest, KillDashNineWhileWritingLeavesATruncatedButValidFile) {
  TempDir dir;
  std::string path = dir.file("k.alrec");
  auto signer = testSigner();  // Created before fork, so parent and child share the key.
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    CompressorPool pool({3, 1});
    auto w = RecordingWriter::create(path, sampleMetadata(), signer, {4, SyncPolicy::kNone});
    if (!w) _exit(1);
    std::string line(3000, 'z');
    for (uint64_t i = 0;; ++i) {
      EventBatch b(0);
      for (int k = 0; k < 20; ++k) b.addOutput(i * 1000 + k, line + std::to_string(i));
      if (!w->appendFrame(b, pool)) _exit(2);
      if (i == 50) (void)!write(ready[1], "x", 1);
    }
  }
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  usleep(20'000);
  int status = airlock::testing::stopProcess(pid, SIGKILL, std::chrono::seconds(10), "killed recording writer");
  ASSERT_TRUE(WIFSIGNALED(status));
  auto key = testKey();
  auto report = verifyRecording(*openFileSource(path).value(), &key);
  EXPECT_EQ(report.status, VerifyStatus::kTruncatedValid) << joinLines(report.problems);
  EXPECT_GT(report.frames, 50u);
  EXPECT_GE(report.signedFrames + 4, report.frames);  // At most one checkpoint interval unsigned.
  auto reader = RecordingReader::openFile(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->frames().size(), report.frames);
  EXPECT_TRUE(reader->readFrame(reader->frames().size() - 1).ok());
}

}  // namespace
}  // namespace airlock::replay
