// Watching a live session (OPEN with watch_session, `airlock watch`): a
// second viewer on another connection sees the session's live output and its
// exit, cannot type into it, and does not keep it alive. The real daemon, the
// real client library and CLI, real processes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>

#include "command.h"
#include "frame.h"
#include "daemon_process.h"
#include "session_client.h"

namespace airlock::testing {
namespace {

using namespace std::chrono_literals;

v1::Open watchOpen(const std::string& session_id) {
  v1::Open open;
  open.set_watch_session(session_id);
  return open;
}

// Output written once `go` exists, so the watcher can attach first.
std::string waitForFile(const std::string& go, const std::string& then) {
  return "while [ ! -e " + go + " ]; do sleep 0.05; done; " + then;
}

class WatchTest : public ::testing::Test {
 protected:
  void TearDown() override { unlink(go_.c_str()); }
  DaemonProcess daemon_;
  std::string go_ = "/tmp/airlock-watch-go-" + std::to_string(getpid());
};

TEST_F(WatchTest, WatcherSeesLiveOutputAndTheExit) {
  SessionClient owner(daemon_.url());
  ChannelRecord& run = owner.open(makeOpen({"sh", "-c", waitForFile(go_, "echo live-line; exit 5")}));
  ASSERT_TRUE(owner.run([&] { return run.opened.has_value(); }, 10s));

  SessionClient watcher(daemon_.url());
  ChannelRecord& seen = watcher.open(watchOpen(run.opened->session_id()));
  ASSERT_TRUE(watcher.run([&] { return seen.opened.has_value() || seen.done(); }, 10s));
  ASSERT_TRUE(seen.opened.has_value()) << (seen.error ? seen.error->message : "");
  EXPECT_EQ(seen.opened->session_id(), run.opened->session_id());
  EXPECT_EQ(seen.opened->stdin_window(), 0u);

  ASSERT_EQ(runCommand({"/usr/bin/touch", go_}).exitCode(), 0);
  ASSERT_TRUE(owner.run([&] { return run.done(); }, 10s));
  ASSERT_TRUE(watcher.run([&] { return seen.done(); }, 10s));
  ASSERT_TRUE(run.exit.has_value());
  ASSERT_TRUE(seen.exit.has_value()) << (seen.error ? seen.error->message : "");
  EXPECT_EQ(run.out, "live-line\n");
  EXPECT_EQ(seen.out, "live-line\n");
  EXPECT_EQ(seen.exit->exit_code(), 5);
}

TEST_F(WatchTest, WatcherCannotTypeAndTheSessionGoesOn) {
  SessionClient owner(daemon_.url());
  uint32_t owner_channel = 0;
  ChannelRecord& run = owner.open(makeOpen({"cat"}), &owner_channel);
  ASSERT_TRUE(owner.run([&] { return run.opened.has_value() && run.stdin_available > 0; }, 10s));

  SessionClient watcher(daemon_.url());
  uint32_t watch_channel = 0;
  ChannelRecord& seen = watcher.open(watchOpen(run.opened->session_id()), &watch_channel);
  ASSERT_TRUE(watcher.run([&] { return seen.opened.has_value(); }, 10s));
  // The client library grants no input credit to a watcher: send raw.
  std::string typed = "typed-by-the-watcher\n";
  std::string frame = proto::encodeFrame(
      proto::FrameType::kStdin, watch_channel,
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(typed.data()), typed.size()));
  ASSERT_TRUE(watcher.connection()
                  .sendRawFrame({reinterpret_cast<const uint8_t*>(frame.data()), frame.size()})
                  .ok());
  ASSERT_TRUE(watcher.run([&] { return seen.done(); }, 10s));
  ASSERT_TRUE(seen.error.has_value());
  EXPECT_EQ(seen.error->code, v1::FORBIDDEN);

  // The owner's session is untouched and still takes its owner's input.
  std::string line = "from-the-owner\n";
  ASSERT_EQ(owner.connection().sendStdin(owner_channel, {reinterpret_cast<const uint8_t*>(line.data()), line.size()}),
            line.size());
  ASSERT_TRUE(owner.connection().closeStdin(owner_channel).ok());
  ASSERT_TRUE(owner.run([&] { return run.done(); }, 10s));
  EXPECT_EQ(run.out, line);
  ASSERT_TRUE(run.exit.has_value());
  EXPECT_EQ(run.exit->exit_code(), 0);
}

// A watcher that never gives credit back is cut off ("too far behind") once
// it lags limits.watcher_lag_bytes; the writer gets every byte regardless.
// Before watchers were lossy, it froze the session (and its recorder).
TEST_F(WatchTest, AStalledWatcherIsCutOffAndNeverHoldsTheWriter) {
  constexpr size_t kBytes = 20 * 1000 * 1000;
  SessionClient owner(daemon_.url());
  ChannelRecord& run = owner.open(
      makeOpen({"sh", "-c", waitForFile(go_, "head -c " + std::to_string(kBytes) + " /dev/zero")}));
  size_t owner_bytes = 0;
  run.sink = [&](std::span<const uint8_t> d) { owner_bytes += d.size(); };
  ASSERT_TRUE(owner.run([&] { return run.opened.has_value(); }, 10s));

  SessionClient watcher(daemon_.url());
  v1::Open open = watchOpen(run.opened->session_id());
  open.set_window(4096);
  ChannelRecord& seen = watcher.open(open);
  seen.hold_output = true;
  ASSERT_TRUE(watcher.run([&] { return seen.opened.has_value() || seen.done(); }, 10s));
  ASSERT_TRUE(seen.opened.has_value()) << (seen.error ? seen.error->message : "");

  ASSERT_EQ(runCommand({"/usr/bin/touch", go_}).exitCode(), 0);
  // Both loops turn: the watcher's connection reads (and holds) what it gets.
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!run.done() && std::chrono::steady_clock::now() < deadline) {
    owner.run([&] { return run.done(); }, 50ms);
    watcher.run([&] { return seen.done(); }, 1ms);
  }
  ASSERT_TRUE(run.exit.has_value()) << "the writer stalled at " << owner_bytes << " bytes";
  EXPECT_EQ(run.exit->exit_code(), 0);
  EXPECT_EQ(owner_bytes, kBytes);
  ASSERT_TRUE(watcher.run([&] { return seen.done(); }, 10s));
  ASSERT_TRUE(seen.error.has_value());
  EXPECT_EQ(seen.error->code, v1::SESSION_LOST);
  EXPECT_NE(seen.error->message.find("too far behind"), std::string::npos) << seen.error->message;
  EXPECT_LE(seen.received, 4096u);
}

TEST_F(WatchTest, WatchersDoNotKeepASessionAlive) {
  SessionClient owner(daemon_.url());
  uint32_t owner_channel = 0;
  ChannelRecord& run = owner.open(makeOpen({"sleep", "30"}), &owner_channel);
  ASSERT_TRUE(owner.run([&] { return run.opened.has_value(); }, 10s));
  SessionClient watcher(daemon_.url());
  ChannelRecord& seen = watcher.open(watchOpen(run.opened->session_id()));
  ASSERT_TRUE(watcher.run([&] { return seen.opened.has_value(); }, 10s));

  ASSERT_TRUE(owner.connection().closeChannel(owner_channel).ok());
  for (int i = 0; i < 100 && !seen.done(); ++i) {  // Both loops turn: the owner's sends CLOSE.
    owner.run([] { return false; }, 50ms);
    watcher.run([&] { return seen.done(); }, 50ms);
  }
  ASSERT_TRUE(seen.done());
  ASSERT_TRUE(seen.exit.has_value()) << (seen.error ? seen.error->message : "");
  EXPECT_NE(seen.exit->signal(), 0);  // Stopped: its writer left.
}

TEST_F(WatchTest, UnknownSessionAndBadWatchOpenAreClearErrors) {
  SessionClient client(daemon_.url());
  ChannelRecord& unknown = client.open(watchOpen("00000000-0000-4000-8000-000000000000"));
  ASSERT_TRUE(client.run([&] { return unknown.done(); }, 10s));
  ASSERT_TRUE(unknown.error.has_value());
  EXPECT_EQ(unknown.error->code, v1::UNKNOWN_TARGET);
  EXPECT_NE(unknown.error->message.find("no live session"), std::string::npos) << unknown.error->message;
  // A watch that also names a command is refused before it is sent.
  v1::Open with_command = watchOpen("00000000-0000-4000-8000-000000000000");
  with_command.add_argv("sh");
  ChannelRecord spare;
  auto refused = client.connection().openChannel(with_command, spare);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("takes no command"), std::string::npos) << refused.error().message;
}

TEST_F(WatchTest, CliWatchPrintsTheSessionAndExitsWithItsCode) {
  SessionClient owner(daemon_.url());
  // Ticks until `go` exists, so a CLI that attaches a little late still sees
  // output; then a last line and exit 3.
  ChannelRecord& run = owner.open(makeOpen(
      {"sh", "-c", "while [ ! -e " + go_ + " ]; do echo tick; sleep 0.1; done; echo seen-by-cli; exit 3"}));
  ASSERT_TRUE(owner.run([&] { return run.opened.has_value(); }, 10s));
  std::string id = run.opened->session_id();
  CommandResult watched;
  std::thread cli([&] { watched = runCommand({clientPath(), "--url", daemon_.url(), "watch", id}, {}, 30s); });
  // Keep the owner's side flowing while the CLI starts and attaches.
  owner.run([] { return false; }, 2500ms);
  ASSERT_EQ(runCommand({"/usr/bin/touch", go_}).exitCode(), 0);
  ASSERT_TRUE(owner.run([&] { return run.done(); }, 10s));
  cli.join();
  EXPECT_EQ(watched.exitCode(), 3) << watched.err;
  EXPECT_NE(watched.out.find("tick\n"), std::string::npos) << watched.out;
  EXPECT_TRUE(watched.out.ends_with("seen-by-cli\n")) << watched.out;
}

}  // namespace
}  // namespace airlock::testing
