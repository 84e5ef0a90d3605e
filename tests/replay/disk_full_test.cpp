// A full disk is an error value, the file stays valid, and a retry works.
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "listening_process.h"
#include "recording_fixture.h"

namespace airlock::replay {
namespace {

using namespace testing;

EventBatch bigBatch(uint64_t t, unsigned seed) {
  // Incompressible output so the frame really needs its bytes on disk.
  std::string data(48 * 1024, '\0');
  for (char& c : data) {
    seed = seed * 1103515245u + 12345u;
    c = static_cast<char>(seed >> 16);
  }
  EventBatch b(0);
  b.addOutput(t, data);
  return b;
}

TEST(DiskFullTest, EnospcOnTmpfsIsReturnedAndTheFileStaysValid) {
  TempDir dir;
  std::string mnt = dir.file("small");
  ASSERT_EQ(mkdir(mnt.c_str(), 0700), 0);
  if (mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=256k") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (" << strerror(errno) << "); RLIMIT test covers it";
  }
  std::string filler = mnt + "/filler";
  writeFile(filler, std::string(160 * 1024, 'f'));
  CompressorPool pool({3, 1});
  std::string path = mnt + "/r.alrec";
  auto w = RecordingWriter::create(path, sampleMetadata(), testSigner(), {2, SyncPolicy::kNone});
  ASSERT_TRUE(w.ok());
  Result<AppendReceipt> r = Error{"not run"};
  int appended = 0;
  for (; appended < 100; ++appended) {
    r = w->appendFrame(bigBatch(appended * 1000, appended), pool);
    if (!r) break;
  }
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ENOSPC) << r.error().message;
  EXPECT_GT(appended, 0);
  // The failed append was cut back: the file is exactly the good prefix.
  EXPECT_EQ(static_cast<uint64_t>(std::filesystem::file_size(path)), w->fileBytes());
  auto key = testKey();
  auto report = verifyRecording(*openFileSource(path).value(), &key);
  EXPECT_EQ(report.status, VerifyStatus::kTruncatedValid) << joinLines(report.problems);
  EXPECT_EQ(report.frames, static_cast<uint64_t>(appended));

  // Space comes back: the same batch is retried and the recording completes.
  std::filesystem::remove(filler);
  auto retry = w->appendFrame(bigBatch(appended * 1000, appended), pool);
  ASSERT_TRUE(retry.ok()) << retry.error().message;
  EXPECT_EQ(retry->frames, static_cast<uint64_t>(appended + 1));
  ASSERT_TRUE(w->finish().ok());
  report = verifyRecording(*openFileSource(path).value(), &key);
  EXPECT_EQ(report.status, VerifyStatus::kValid) << joinLines(report.problems);
  umount2(mnt.c_str(), MNT_DETACH);
}

TEST(DiskFullTest, FileSizeLimitInAChildReturnsEfbig) {
  TempDir dir;
  std::string path = dir.file("r.alrec");
  // The test key is made on first use: make it here, so the child signs with
  // the key the parent verifies with.
  auto signer = testSigner();
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    signal(SIGXFSZ, SIG_IGN);  // Get EFBIG instead of being killed.
    struct rlimit lim {64 * 1024, 64 * 1024};
    setrlimit(RLIMIT_FSIZE, &lim);
    CompressorPool pool({3, 1});
    auto w = RecordingWriter::create(path, sampleMetadata(), signer, {2, SyncPolicy::kNone});
    if (!w) _exit(10);
    for (int i = 0; i < 10; ++i) {
      auto r = w->appendFrame(bigBatch(i * 1000, i), pool);
      if (!r) _exit(r.error().code == EFBIG && std::filesystem::file_size(path) == w->fileBytes()
                        ? 0
                        : 11);
    }
    _exit(12);
  }
  // The writer ends by itself within its ten frames; a hang fails here.
  int status = airlock::testing::stopProcess(pid, 0, std::chrono::seconds(60), "rlimit-bound recording writer");
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: create failed, 11: wrong error, 12: no error";
  auto key = testKey();
  auto report = verifyRecording(*openFileSource(path).value(), &key);
  EXPECT_EQ(report.status, VerifyStatus::kTruncatedValid) << joinLines(report.problems);
  EXPECT_EQ(report.frames, 1u);
}

}  // namespace
}  // namespace airlock::replay
