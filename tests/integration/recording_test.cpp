// Every session recorded, checked end to end: the real daemon records, the
// real airlock-replay reads, verifies and exports (issue 3).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>
#include <string>

#include "command.h"
#include "daemon_process.h"
#include "recording_files.h"
#include "session_client.h"

namespace airlock::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

TEST(RecordingTest, RecordedOutputEqualsWhatTheUserSawByteForByte) {
  DaemonProcess daemon;
  SessionClient client(daemon.url());
  // Several frames' worth: text, colours, UTF-8, and 3 MB of binary noise.
  auto open = makeOpen({"sh", "-c",
                        "printf '\\033[1;32mgr\\303\\274n\\033[0m \\342\\202\\254 caf\\303\\251\\n'; "
                        "head -c 3000000 /dev/urandom; sleep 1.2; echo after-a-pause; exit 4"},
                       true);
  ChannelRecord& r = client.open(open);
  ASSERT_TRUE(client.run([&] { return r.done(); }, 60s));
  ASSERT_TRUE(r.exit.has_value());
  EXPECT_EQ(r.exit->exit_code(), 4);
  ASSERT_TRUE(r.opened.has_value());
  const std::string id = r.opened->session_id();
  ASSERT_TRUE(waitSealed(daemon, id)) << daemon.stderrText();
  std::string path = recordingOf(daemon.recordingsDir(), id);
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::others_all, fs::perms::none);
  auto cat = replay({"cat", path});
  ASSERT_EQ(cat.exitCode(), 0) << cat.err;
  EXPECT_EQ(cat.out.size(), r.out.size());
  EXPECT_TRUE(cat.out == r.out) << "the recording differs from the session's output";
  auto info = replay({"info", path});
  EXPECT_NE(info.out.find(id), std::string::npos) << info.out;
  auto verify = replay({"verify", "--key", daemon.recordingKeyPath(), path});
  EXPECT_EQ(verify.exitCode(), 0) << verify.out << verify.err;
}

TEST(RecordingTest, PasswordTypedWithEchoOffIsRedacted) {
  DaemonProcess daemon;
  SessionClient client(daemon.url());
  uint32_t channel = 0;
  auto open = makeOpen({"sh", "-c",
                        "stty -echo; printf 'password: '; read pw; stty echo; echo; "
                        "printf 'name: '; read name; echo \"hello $name\""},
                       true);
  ChannelRecord& r = client.open(open, &channel);
  ASSERT_TRUE(client.run([&] { return r.out.find("password: ") != std::string::npos; }, 10s));
  auto type = [&](const std::string& s) {
    client.connection().sendStdin(channel, {reinterpret_cast<const uint8_t*>(s.data()), s.size()});
  };
  type("hunter2-secret\n");
  ASSERT_TRUE(client.run([&] { return r.out.find("name: ") != std::string::npos; }, 10s));
  type("visible-name\n");
  ASSERT_TRUE(client.run([&] { return r.done(); }, 10s));
  EXPECT_NE(r.out.find("hello visible-name"), std::string::npos);
  const std::string id = r.opened->session_id();
  ASSERT_TRUE(waitSealed(daemon, id));
  std::string path = recordingOf(daemon.recordingsDir(), id);
  auto v3 = replay({"export", "--format", "asciicast-v3", path});
  ASSERT_EQ(v3.exitCode(), 0) << v3.err;
  EXPECT_EQ(v3.out.find("hunter2"), std::string::npos) << "the password reached the recording";
  EXPECT_NE(v3.out.find("\"i\", \"visible-name"), std::string::npos) << v3.out;
  std::ifstream raw(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(raw)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find("hunter2"), std::string::npos);
}

TEST(RecordingTest, Kill9LeavesATruncatedButValidRecordingMissingAtMostTheFlushInterval) {
  DaemonProcess daemon;
  SessionClient client(daemon.url());
  // A numbered line every 10 ms.
  auto open = makeOpen({"sh", "-c", "i=0; while :; do echo tick-$i; i=$((i+1)); sleep 0.01; done"});
  ChannelRecord& r = client.open(open);
  ASSERT_TRUE(client.run([&] { return r.out.find("tick-150\n") != std::string::npos; }, 20s));
  kill(daemon.pid(), SIGKILL);
  client.run([&] { return client.closed(); }, 5s);
  daemon.stop(0);
  const std::string id = r.opened->session_id();
  std::string path = recordingOf(daemon.recordingsDir(), id);
  ASSERT_FALSE(path.empty());
  auto verify = replay({"verify", "--key", daemon.recordingKeyPath(), path});
  EXPECT_EQ(verify.exitCode(), 3) << verify.out << verify.err;  // Truncated but valid.
  auto cat = replay({"cat", path});
  ASSERT_EQ(cat.exitCode(), 0) << cat.err;
  // What was recorded is exactly the start of what the user saw...
  ASSERT_LE(cat.out.size(), r.out.size());
  EXPECT_EQ(r.out.compare(0, cat.out.size(), cat.out), 0);
  // ...and lacks at most about one flush interval (1 s = ~100 ticks; slack for a busy machine).
  auto lastTick = [](const std::string& text) {
    auto pos = text.rfind("tick-");
    return pos == std::string::npos ? -1 : std::atoi(text.c_str() + pos + 5);
  };
  EXPECT_GE(lastTick(cat.out), lastTick(r.out) - 200) << "recorded up to " << lastTick(cat.out)
                                                      << ", the user saw " << lastTick(r.out);
  for (const char* format : {"asciicast-v2", "asciicast-v3", "txt"}) {
    auto exported = replay({"export", "--format", format, path});
    EXPECT_EQ(exported.exitCode(), 0) << format << ": " << exported.err;
  }
  auto play = replay({"play", "--speed", "1000", path});
  EXPECT_EQ(play.exitCode(), 0) << play.err;
}

TEST(RecordingTest, DrainSealsTheRecordingOfALiveSession) {
  DaemonProcess daemon;
  SessionClient client(daemon.url());
  ChannelRecord& r = client.open(makeOpen({"sh", "-c", "echo still-here; sleep 600"}, true));
  ASSERT_TRUE(client.run([&] { return r.out.find("still-here") != std::string::npos; }, 10s));
  const std::string id = r.opened->session_id();
  EXPECT_EQ(WEXITSTATUS(daemon.stop(SIGTERM)), 0);
  std::string path = recordingOf(daemon.recordingsDir(), id);
  auto verify = replay({"verify", "--key", daemon.recordingKeyPath(), path});
  EXPECT_EQ(verify.exitCode(), 0) << verify.out << verify.err;  // Sealed, not truncated.
  auto cat = replay({"cat", path});
  EXPECT_NE(cat.out.find("still-here"), std::string::npos);
}

TEST(RecordingTest, ExportedV2IsReadByAsciinema) {
  if (runCommand({"/bin/sh", "-c", "command -v asciinema"}).exitCode() != 0) {
    GTEST_SKIP() << "asciinema is not installed";
  }
  DaemonProcess daemon;
  SessionClient client(daemon.url());
  ChannelRecord& r = client.open(makeOpen({"sh", "-c", "printf 'one\\ntw\\303\\266\\n'; sleep 0.2; echo three"}, true));
  ASSERT_TRUE(client.run([&] { return r.done(); }, 10s));
  const std::string id = r.opened->session_id();
  ASSERT_TRUE(waitSealed(daemon, id));
  std::string path = recordingOf(daemon.recordingsDir(), id);
  std::string cast = daemon.recordingsDir() + "/export.cast";
  auto exported = replay({"export", "--format", "asciicast-v2", path});
  ASSERT_EQ(exported.exitCode(), 0);
  std::ofstream(cast) << exported.out;
  // asciinema wants a terminal: run it under script, with output processing off.
  auto played = runCommand({"/usr/bin/script", "-qec", "stty -opost; asciinema cat " + cast, "/dev/null"}, {}, 30s);
  EXPECT_NE(played.out.find(r.out), std::string::npos) << "asciinema printed: " << ::testing::PrintToString(played.out) << " err " << played.err << " session: " << ::testing::PrintToString(r.out);
}

class DiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (getuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
    dir_ = "/tmp/airlock-full-" + std::to_string(getpid());
    mkdir(dir_.c_str(), 0700);
    if (mount("airlock-full", dir_.c_str(), "tmpfs", 0, "size=1m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs here";
    }
  }
  void TearDown() override {
    if (!dir_.empty()) {
      umount2(dir_.c_str(), MNT_DETACH);
      rmdir(dir_.c_str());
    }
  }
  std::string dir_;
};

TEST_F(DiskFullTest, FullDiskEndsTheSessionCleanlyAndTheDaemonKeepsServing) {
  DaemonProcess daemon({"--recordings", dir_});
  SessionClient client(daemon.url());
  // Incompressible output, much more than the 1 MiB disk.
  ChannelRecord& flood = client.open(makeOpen({"sh", "-c", "head -c 20000000 /dev/urandom; sleep 600"}));
  ASSERT_TRUE(client.run([&] { return flood.done(); }, 60s));
  ASSERT_TRUE(flood.error.has_value()) << "the session went on unrecorded";
  EXPECT_EQ(flood.error->code, v1::SESSION_LOST);
  EXPECT_NE(flood.error->message.find("could not be recorded"), std::string::npos) << flood.error->message;
  EXPECT_NE(daemon.stderrText().find("audit: recording of session"), std::string::npos);
  // The operator frees space; the same daemon records new sessions again.
  for (const auto& path : recordings(dir_)) fs::remove(path);
  ChannelRecord& next = client.open(makeOpen({"sh", "-c", "echo next-one"}));
  ASSERT_TRUE(client.run([&] { return next.done(); }, 20s));
  ASSERT_TRUE(next.exit.has_value()) << (next.error ? next.error->message : "");
  EXPECT_EQ(next.out, "next-one\n");
  ASSERT_TRUE(waitSealed(daemon, next.opened->session_id()));
}

}  // namespace
}  // namespace airlock::testing
