// The airlock-replay binary end to end on a directory of recordings.
#include <sys/wait.h>

#include "recording_fixture.h"

namespace airlock::replay {
namespace {

using namespace testing;

struct CliRun {
  int code;
  std::string out;
};

CliRun run(const std::string& args) {
  std::string cmd = std::string(AIRLOCK_REPLAY_BIN) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class ReplayCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RecordingMetadata a = sampleMetadata("sess-a");
    RecordingMetadata b = sampleMetadata("sess-b");
    b.user = "bob";
    b.target = "db-1";
    b.argv = {"psql"};
    b.startTimeUnixUs += 86'400'000'000ull;
    std::filesystem::create_directories(dir_.file("2026-11-18"));
    writeRecording(dir_.file("2026-11-18/sess-a.alrec"), {"hello", "top secret", "bye"}, {},
                   true, a);
    // "top secret" split across two frames, unsealed (as after a crash).
    CompressorPool pool({3, 1});
    auto w = RecordingWriter::create(dir_.file("sess-b.alrec"), b, testSigner());
    ASSERT_TRUE(w.ok());
    for (auto [t, text] : {std::pair{0ull, "SELECT 1;\r\n"}, {1'000'000ull, "top sec"},
                           {2'000'000ull, "\x1b[0mret\r\n"}}) {
      EventBatch batch;
      batch.addOutput(t, text);
      ASSERT_TRUE(w->appendFrame(batch, pool).ok());
    }
    writeFile(dir_.file("key.pub"), testSigner()->publicKeyPem());
  }
  std::string dir() const { return "--dir " + dir_.path() + " "; }
  TempDir dir_;
};

TEST_F(ReplayCliTest, LsFilters) {
  CliRun all = run(dir() + "ls");
  EXPECT_EQ(all.code, 0) << all.out;
  EXPECT_NE(all.out.find("sess-a"), std::string::npos);
  EXPECT_NE(all.out.find("sess-b"), std::string::npos);
  CliRun bob = run(dir() + "ls --user bob");
  EXPECT_EQ(bob.out.find("sess-a"), std::string::npos);
  EXPECT_NE(bob.out.find("sess-b  bob@db-1 app=/shop/web  psql"), std::string::npos) << bob.out;
  CliRun since = run(dir() + "ls --since 2026-11-19");
  EXPECT_EQ(since.out.find("sess-a"), std::string::npos) << since.out;
  EXPECT_NE(since.out.find("sess-b"), std::string::npos);
  EXPECT_EQ(run(dir() + "ls --command bash --app /shop/web").out.find("sess-b"), std::string::npos);
}

TEST_F(ReplayCliTest, CatInfoSearchVerifyExport) {
  CliRun cat = run(dir() + "cat sess-a");
  EXPECT_EQ(cat.code, 0);
  EXPECT_EQ(cat.out, "hello\r\ntop secret\r\nbye\r\n");
  CliRun info = run(dir() + "info sess-b");
  EXPECT_NE(info.out.find("state: unsealed"), std::string::npos) << info.out;
  CliRun search = run(dir() + "search 'top secret'");
  EXPECT_EQ(search.code, 0);
  // Found in both, in sess-b across two frames; the time is that of the first byte.
  EXPECT_NE(search.out.find("sess-a  +0:01.000"), std::string::npos) << search.out;
  EXPECT_NE(search.out.find("sess-b  +0:01.000"), std::string::npos) << search.out;
  EXPECT_EQ(run(dir() + "search nothing-like-this").code, 1);
  CliRun ok = run(dir() + "verify --key " + dir_.file("key.pub") + " sess-a");
  EXPECT_EQ(ok.code, 0) << ok.out;
  EXPECT_NE(ok.out.find(": valid"), std::string::npos);
  CliRun trunc = run(dir() + "verify --key " + dir_.file("key.pub") + " sess-b");
  EXPECT_EQ(trunc.code, 3) << trunc.out;
  EXPECT_NE(trunc.out.find("truncated-but-valid"), std::string::npos);
  EXPECT_EQ(run(dir() + "verify sess-a").code, 4);
  std::string bytes = readFile(dir_.file("2026-11-18/sess-a.alrec"));
  bytes[bytes.size() / 2] ^= 4;
  writeFile(dir_.file("2026-11-18/sess-a.alrec"), bytes);
  CliRun bad = run(dir() + "verify --key " + dir_.file("key.pub"));
  EXPECT_EQ(bad.code, 1) << bad.out;
  EXPECT_NE(bad.out.find("problem: "), std::string::npos);
  CliRun v3 = run(dir() + "export --format asciicast-v3 sess-b");
  EXPECT_EQ(v3.code, 0);
  EXPECT_EQ(v3.out.rfind("{\"version\": 3", 0), 0u) << v3.out;
  EXPECT_EQ(run(dir() + "export --format mp4 sess-b").code, 2);
}

}  // namespace
}  // namespace airlock::replay
