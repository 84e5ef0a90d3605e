#include <dirent.h>
#include <sys/stat.h>

#include "event_walk.h"
#include "recording_fixture.h"

namespace airlock::replay {
namespace {

using namespace testing;

int openFdCount() {
  int n = 0;
  DIR* d = opendir("/proc/self/fd");
  while (readdir(d) != nullptr) ++n;
  closedir(d);
  return n;
}

TEST(RecordingRoundTripTest, EventsComeBackExactlyAndFileIsPrivate) {
  TempDir dir;
  std::string path = dir.file("a.alrec");
  CompressorPool pool({3, 1});
  int fdsBefore = openFdCount();
  auto w = RecordingWriter::create(path, sampleMetadata(), testSigner(), {4, SyncPolicy::kNone});
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_EQ(openFdCount(), fdsBefore);  // No descriptor held between frames.

  EventBatch b1(0);
  b1.addResize(0, 100, 30);
  b1.addOutput(10, "$ ");
  b1.addInput(2'000, "ls\r");
  b1.addOutput(3'000, std::string("bin\0etc\r\n", 9));
  b1.addRedactedInput(4'000);
  b1.addMarker(5'000, "chapter 1");
  ASSERT_TRUE(w->appendFrame(b1, pool).ok());
  EXPECT_EQ(openFdCount(), fdsBefore);
  EventBatch b2(0);
  b2.addOutput(1'500'000, "exit\r\n");
  b2.addExit(1'600'000, 3);
  auto r = w->appendFrame(b2, pool);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->frames, 2u);
  EXPECT_EQ(r->lastTimeUs, 1'600'000u);
  ASSERT_TRUE(w->finish().ok());
  EXPECT_FALSE(w->appendFrame(b2, pool).ok());  // Sealed.

  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(static_cast<uint64_t>(st.st_size), w->fileBytes());

  auto reader = RecordingReader::openFile(path);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ(reader->tail(), TailState::kSealed);
  EXPECT_EQ(reader->metadata().user, "alice");
  EXPECT_EQ(reader->metadata().argv, (std::vector<std::string>{"bash", "-l"}));
  EXPECT_EQ(reader->metadata().signingKeyId, testSigner()->keyId());
  ASSERT_EQ(reader->frames().size(), 2u);
  std::vector<Event> all;
  ASSERT_TRUE(forEachEvent(*reader, 0, [&](const Event& e) {
    all.push_back(e);
    return true;
  }).ok());
  ASSERT_EQ(all.size(), 8u);
  EXPECT_EQ(all[0].type, EventType::kResize);
  EXPECT_EQ(all[0].data, "100x30");
  EXPECT_EQ(all[3].data, std::string("bin\0etc\r\n", 9));
  EXPECT_EQ(all[3].timeUs, 3'000u);
  EXPECT_EQ(all[4].type, EventType::kRedactedInput);
  EXPECT_TRUE(all[4].data.empty());
  EXPECT_EQ(all[5].data, "chapter 1");
  EXPECT_EQ(all[7].type, EventType::kExit);
  EXPECT_EQ(all[7].data, "3");

  auto key = testKey();
  auto report = verifyRecording(*openFileSource(path).value(), &key);
  EXPECT_EQ(report.status, VerifyStatus::kValid) << joinLines(report.problems);
  EXPECT_EQ(report.signedFrames, 2u);
}

TEST(RecordingRoundTripTest, IndexSeekFindsTheFrameOfATime) {
  TempDir dir;
  std::vector<std::string> frames;
  for (int i = 0; i < 40; ++i) frames.push_back("line " + std::to_string(i));
  writeRecording(dir.file("s.alrec"), frames, {8, SyncPolicy::kNone});
  auto reader = RecordingReader::openFile(dir.file("s.alrec"));
  ASSERT_TRUE(reader.ok());
  ASSERT_EQ(reader->tail(), TailState::kSealed);
  ASSERT_EQ(reader->frames().size(), 40u);
  size_t f = reader->frameAt(17'000'500);  // Inside frame 17 (17 s .. 17.001 s).
  EXPECT_EQ(f, 17u);
  EXPECT_EQ(reader->frameAt(17'500'000), 18u);  // Between frames: the next one.
  EXPECT_EQ(reader->frameAt(100'000'000), 40u);
  auto events = reader->readFrame(f);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ((*events)[0].data, "line 17");
}

TEST(RecordingRoundTripTest, PreparedPathIsPerDayAndRejectsUnsafeIds) {
  TempDir dir;
  auto p = prepareRecordingPath(dir.path() + "/rec", "abc-123", 1'795'000'000'000'000ull);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(*p, dir.path() + "/rec/2026-11-18/abc-123.alrec");
  struct stat st {};
  ASSERT_EQ(stat((dir.path() + "/rec/2026-11-18").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_FALSE(prepareRecordingPath(dir.path(), "../etc/x", 0).ok());
  EXPECT_FALSE(prepareRecordingPath(dir.path(), "", 0).ok());
}

TEST(RecordingRoundTripTest, CreateRefusesAnExistingFile) {
  TempDir dir;
  writeFile(dir.file("x.alrec"), "hello");
  auto w = RecordingWriter::create(dir.file("x.alrec"), sampleMetadata(), testSigner());
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, EEXIST);
  EXPECT_EQ(readFile(dir.file("x.alrec")), "hello");
}

}  // namespace
}  // namespace airlock::replay
