// Loopback tests of `Connection` against the real airlockd (started on port
// 0 per test): exit codes, output integrity under credit, a stalled reader
// stalling its channel, STDIN credit, LIST, PING and protocol errors.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <uv.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <filesystem>
#include <string>
#include <vector>

#include "client/client_context.h"
#include "client/connection.h"
#include "daemon_process.h"
#include "proto/frame.h"

namespace airlock::client {
namespace {

// Records everything a channel reports; can withhold output credit.
class Recorder : public ChannelHandler {
 public:
  bool withhold = false;
  std::optional<v1::Opened> opened;
  std::string out;
  std::string err;
  std::optional<v1::Exit> exit;
  std::optional<Error> error;
  uint64_t credit = 0;
  std::function<void()> on_credit;

  bool done() const { return exit.has_value() || error.has_value(); }

  void onOpened(uint32_t, const v1::Opened& o) override { opened = o; }
  Consume onStdout(uint32_t, std::span<const uint8_t> d) override {
    out.append(d.begin(), d.end());
    return withhold ? Consume::kHeld : Consume::kConsumed;
  }
  Consume onStderr(uint32_t, std::span<const uint8_t> d) override {
    err.append(d.begin(), d.end());
    return withhold ? Consume::kHeld : Consume::kConsumed;
  }
  void onCredit(uint32_t, uint64_t available) override {
    credit = available;
    if (on_credit) on_credit();
  }
  void onExit(uint32_t, const v1::Exit& e) override { exit = e; }
  void onError(uint32_t, const Error& e) override { error = e; }
};

class Observer : public ConnectionObserver {
 public:
  bool connected = false;
  std::optional<Result<void>> disconnected;
  std::string pong;
  void onConnected() override { connected = true; }
  void onPong(std::span<const uint8_t> p) override { pong.assign(p.begin(), p.end()); }
  void onDisconnected(const Result<void>& reason) override { disconnected = reason; }
};

class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(daemon_.url().empty()) << "airlockd did not start";
    configureLwsLogging(false);
    ASSERT_EQ(uv_loop_init(&loop_), 0);
    auto context = ClientContext::create(&loop_);
    ASSERT_TRUE(context.ok()) << context.error().message;
    context_ = std::move(*context);
    ConnectionOptions options;
    options.url = daemon_.url();
    auto connection = Connection::connect(*context_, options, observer_);
    ASSERT_TRUE(connection.ok()) << connection.error().message;
    connection_ = std::move(*connection);
  }

  void TearDown() override {
    connection_.reset();
    context_.reset();
    uv_run(&loop_, UV_RUN_DEFAULT);
    EXPECT_EQ(uv_loop_close(&loop_), 0);  // R27: nothing left on the loop.
  }

  // Runs the loop until `done()` or the timeout; returns `done()`.
  bool runUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    uv_timer_t tick;
    uv_timer_init(&loop_, &tick);
    uv_timer_start(&tick, [](uv_timer_t*) {}, 5, 5);  // Keeps UV_RUN_ONCE from sleeping long.
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done() && std::chrono::steady_clock::now() < deadline) uv_run(&loop_, UV_RUN_ONCE);
    uv_close(reinterpret_cast<uv_handle_t*>(&tick), nullptr);
    uv_run(&loop_, UV_RUN_NOWAIT);
    return done();
  }

  v1::Open command(const std::string& script, uint64_t window = 0) {
    v1::Open open;
    open.set_target("host");
    open.add_argv("sh");
    open.add_argv("-c");
    open.add_argv(script);
    open.set_window(window);
    return open;
  }

  airlock::testing::DaemonProcess daemon_;
  uv_loop_t loop_{};
  Observer observer_;
  std::unique_ptr<ClientContext> context_;
  std::unique_ptr<Connection> connection_;
};

constexpr auto kTimeout = std::chrono::seconds(20);

TEST_F(ConnectionTest, ExitCodeAndSeparateStreams) {
  Recorder rec;
  auto ch = connection_->openChannel(command("printf out; printf err >&2; exit 7"), rec);
  ASSERT_TRUE(ch.ok());
  EXPECT_EQ(*ch, 1u);
  ASSERT_TRUE(runUntil([&] { return rec.opened.has_value(); }, kTimeout));
  // OPENED and EXIT of so short a process may arrive together.
  if (!rec.done()) {
    ASSERT_TRUE(connection_->closeStdin(*ch).ok());
  }
  ASSERT_TRUE(runUntil([&] { return rec.done(); }, kTimeout));
  ASSERT_FALSE(rec.error) << rec.error->message;
  EXPECT_EQ(rec.exit->exit_code(), 7);
  EXPECT_EQ(rec.out, "out");
  EXPECT_EQ(rec.err, "err");
  EXPECT_TRUE(observer_.connected);
}

TEST_F(ConnectionTest, SignalExitCode) {
  Recorder rec;
  ASSERT_TRUE(connection_->openChannel(command("kill -KILL $$"), rec).ok());
  ASSERT_TRUE(runUntil([&] { return rec.done(); }, kTimeout));
  ASSERT_TRUE(rec.exit.has_value());
  EXPECT_EQ(rec.exit->exit_code(), 128 + SIGKILL);
  EXPECT_EQ(rec.exit->signal(), SIGKILL);
}

TEST_F(ConnectionTest, LargeOutputArrivesIntactWithSmallWindow) {
  Recorder rec;
  ASSERT_TRUE(connection_->openChannel(command("seq 1 400000", 16 * 1024), rec).ok());
  ASSERT_TRUE(runUntil([&] { return rec.done(); }, kTimeout));
  ASSERT_TRUE(rec.exit.has_value()) << rec.error->message;
  EXPECT_EQ(rec.exit->exit_code(), 0);
  std::string expected;
  for (int i = 1; i <= 400000; ++i) expected += std::to_string(i) + "\n";
  EXPECT_EQ(rec.out.size(), expected.size());
  EXPECT_TRUE(rec.out == expected);
}

TEST_F(ConnectionTest, WithheldCreditStallsTheChannelUntilAcknowledged) {
  constexpr uint64_t kWindow = 64 * 1024;
  constexpr size_t kTotal = 4 * 1024 * 1024;
  Recorder rec;
  rec.withhold = true;
  auto ch = connection_->openChannel(
      command("head -c " + std::to_string(kTotal) + " /dev/zero", kWindow), rec);
  ASSERT_TRUE(ch.ok());
  // The daemon may send the window and no more, however long we wait.
  runUntil([&] { return rec.done(); }, std::chrono::milliseconds(1500));
  EXPECT_FALSE(rec.done());
  EXPECT_EQ(rec.out.size(), kWindow);
  // Acknowledging as we go lets everything through.
  size_t acked = 0;
  ASSERT_TRUE(runUntil(
      [&] {
        if (rec.out.size() > acked) {
          connection_->acknowledge(*ch, rec.out.size() - acked);
          acked = rec.out.size();
        }
        return rec.done();
      },
      kTimeout));
  ASSERT_TRUE(rec.exit.has_value());
  EXPECT_EQ(rec.exit->exit_code(), 0);
  EXPECT_EQ(rec.out.size(), kTotal);
}

TEST_F(ConnectionTest, StdinFlowsWithinCredit) {
  std::string input;
  for (int i = 0; input.size() < 3 * 1024 * 1024; ++i) input += "line " + std::to_string(i) + "\n";
  Recorder rec;
  size_t sent = 0;
  bool closed = false;
  uint32_t channel = 0;
  rec.on_credit = [&] {
    auto rest = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(input.data()) + sent,
                                         input.size() - sent);
    size_t taken = connection_->sendStdin(channel, rest);
    EXPECT_LE(taken, rest.size());
    sent += taken;
    if (sent == input.size() && !closed) {
      closed = true;
      EXPECT_TRUE(connection_->closeStdin(channel).ok());
    }
  };
  v1::Open open;
  open.set_target("host");
  open.add_argv("cat");
  auto ch = connection_->openChannel(open, rec);
  ASSERT_TRUE(ch.ok());
  channel = *ch;
  ASSERT_TRUE(runUntil([&] { return rec.done(); }, kTimeout));
  ASSERT_TRUE(rec.exit.has_value()) << rec.error->message;
  EXPECT_EQ(rec.exit->exit_code(), 0);
  EXPECT_EQ(rec.out.size(), input.size());
  EXPECT_TRUE(rec.out == input);
  EXPECT_EQ(connection_->stdinCredit(channel), 0u);  // Channel is gone.
}

TEST_F(ConnectionTest, ListShowsALiveSessionAndCloseEndsIt) {
  Recorder rec;
  v1::Open open = command("sleep 30");
  auto ch = connection_->openChannel(open, rec);
  ASSERT_TRUE(ch.ok());
  ASSERT_TRUE(runUntil([&] { return rec.opened.has_value(); }, kTimeout));
  std::optional<Result<v1::Sessions>> listed;
  ASSERT_TRUE(connection_->listSessions([&](Result<v1::Sessions> s) { listed = std::move(s); }).ok());
  ASSERT_TRUE(runUntil([&] { return listed.has_value(); }, kTimeout));
  ASSERT_TRUE(listed->ok());
  bool found = false;
  for (const auto& s : listed->value().sessions()) {
    if (s.session_id() == rec.opened->session_id()) {
      found = true;
      EXPECT_EQ(s.target(), "host");
      EXPECT_EQ(s.pid(), rec.opened->pid());
    }
  }
  EXPECT_TRUE(found);
  ASSERT_TRUE(connection_->closeChannel(*ch).ok());
  // The process is gone soon after CLOSE.
  pid_t pid = rec.opened->pid();
  ASSERT_TRUE(runUntil([&] { return kill(pid, 0) != 0; }, kTimeout)) << "pid " << pid;
  EXPECT_FALSE(rec.done());  // No callbacks after closeChannel.
}

TEST_F(ConnectionTest, ListOfManyLongCommandsIsCutToOneFrame) {
  // 80 sessions with 3 KB command lines: more than one 64 KiB SESSIONS frame holds.
  constexpr int kSessions = 80;
  std::vector<std::unique_ptr<Recorder>> recs;
  std::vector<uint32_t> channels;
  for (int i = 0; i < kSessions; ++i) {
    recs.push_back(std::make_unique<Recorder>());
    auto ch = connection_->openChannel(command("sleep 30; : " + std::string(3000, 'x')), *recs.back());
    ASSERT_TRUE(ch.ok());
    channels.push_back(*ch);
  }
  ASSERT_TRUE(runUntil([&] {
    for (auto& r : recs) if (!r->opened) return false;
    return true;
  }, kTimeout));
  std::optional<Result<v1::Sessions>> listed;
  ASSERT_TRUE(connection_->listSessions([&](Result<v1::Sessions> s) { listed = std::move(s); }).ok());
  ASSERT_TRUE(runUntil([&] { return listed.has_value(); }, kTimeout));
  ASSERT_TRUE(listed->ok()) << listed->error().message;
  const v1::Sessions& list = listed->value();
  EXPECT_TRUE(list.truncated());
  EXPECT_EQ(list.total(), static_cast<uint32_t>(kSessions));
  EXPECT_GT(list.sessions_size(), 20);
  EXPECT_LT(list.sessions_size(), kSessions);
  EXPECT_LE(list.ByteSizeLong() + proto::kHeaderBytes, proto::kMaxControlFrameBytes);
  for (const auto& s : list.sessions()) {
    EXPECT_TRUE(s.argv_truncated());
    size_t bytes = 0;
    for (const auto& a : s.argv()) bytes += a.size();
    EXPECT_LE(bytes, 1024u);
  }
  for (uint32_t ch : channels) ASSERT_TRUE(connection_->closeChannel(ch).ok());
  for (auto& r : recs) {
    pid_t pid = r->opened->pid();
    ASSERT_TRUE(runUntil([&] { return kill(pid, 0) != 0; }, kTimeout)) << "pid " << pid;
  }
}

TEST_F(ConnectionTest, AnErrorQuotesAShortEscapedPrefixOfWhatThePeerSent) {
  Recorder rec;
  v1::Open open = command("true");
  open.set_target("\x1b]0;owned\x07" + std::string(240, 'T'));
  ASSERT_TRUE(connection_->openChannel(open, rec).ok());
  ASSERT_TRUE(runUntil([&] { return rec.error.has_value(); }, kTimeout));
  EXPECT_EQ(rec.error->code, v1::UNKNOWN_TARGET);
  const std::string& message = rec.error->message;
  EXPECT_EQ(message.find('\x1b'), std::string::npos) << message;
  EXPECT_NE(message.find("'\\x1b]0;owned\\x07TTT"), std::string::npos) << message;
  EXPECT_LT(message.size(), 160u) << message;

  // One byte over a field's limit: the client's own check (the daemon's
  // decoder, the same code) names the field; sent anyway, the daemon refuses
  // it on its channel and the connection goes on.
  Recorder over;
  open.set_target(std::string(257, 'T'));
  auto refused = connection_->openChannel(open, over);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "OPEN target is 257 bytes; the limit is 256");
  std::string raw = proto::encodeFrame(proto::FrameType::kOpen, 77, open);
  ASSERT_TRUE(connection_->sendRawFrame(std::span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(raw.data()), raw.size())).ok());
  Recorder after;
  ASSERT_TRUE(connection_->openChannel(command("exit 4"), after).ok());
  ASSERT_TRUE(runUntil([&] { return after.done(); }, kTimeout));
  ASSERT_TRUE(after.exit.has_value());
  EXPECT_EQ(after.exit->exit_code(), 4);
}

TEST_F(ConnectionTest, UnknownTargetIsAChannelError) {
  Recorder rec;
  v1::Open open = command("true");
  open.set_target("no-such-target");
  ASSERT_TRUE(connection_->openChannel(open, rec).ok());
  ASSERT_TRUE(runUntil([&] { return rec.done(); }, kTimeout));
  ASSERT_TRUE(rec.error.has_value());
  EXPECT_EQ(rec.error->code, v1::UNKNOWN_TARGET);
  // The connection survives a channel error.
  Recorder second;
  ASSERT_TRUE(connection_->openChannel(command("exit 3"), second).ok());
  ASSERT_TRUE(runUntil([&] { return second.done(); }, kTimeout));
  ASSERT_TRUE(second.exit.has_value());
  EXPECT_EQ(second.exit->exit_code(), 3);
}

TEST_F(ConnectionTest, PingIsAnswered) {
  std::string payload = "ping-123";
  ASSERT_TRUE(connection_
                  ->ping(std::span<const uint8_t>(
                      reinterpret_cast<const uint8_t*>(payload.data()), payload.size()))
                  .ok());
  ASSERT_TRUE(runUntil([&] { return !observer_.pong.empty(); }, kTimeout));
  EXPECT_EQ(observer_.pong, payload);
}

// A PONG echoes its PING, so a PING over the WebSocket control-frame limit
// (125 bytes) is refused before a reply is built: BAD_FRAME ends that
// connection, and the daemon goes on serving (a 200 KB PING crashed it).
TEST_F(ConnectionTest, OversizedPingEndsOnlyThatConnection) {
  ASSERT_TRUE(runUntil([&] { return observer_.connected; }, kTimeout));
  std::string big = proto::encodeFrame(proto::FrameType::kPing, proto::kConnectionChannel,
                                       std::span<const uint8_t>(std::vector<uint8_t>(200 * 1024, 'p')));
  ASSERT_TRUE(connection_->sendRawFrame(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(big.data()), big.size())).ok());
  ASSERT_TRUE(runUntil([&] { return observer_.disconnected.has_value(); }, kTimeout));
  ASSERT_FALSE(observer_.disconnected->ok());
  EXPECT_EQ(observer_.disconnected->error().code, v1::BAD_FRAME) << observer_.disconnected->error().message;
  EXPECT_TRUE(observer_.pong.empty());

  Observer second_observer;
  ConnectionOptions options;
  options.url = daemon_.url();
  auto second = Connection::connect(*context_, options, second_observer);
  ASSERT_TRUE(second.ok()) << second.error().message;
  Recorder rec;
  ASSERT_TRUE((*second)->openChannel(command("exit 3"), rec).ok());
  ASSERT_TRUE(runUntil([&] { return rec.done(); }, kTimeout));
  ASSERT_TRUE(rec.exit.has_value());
  EXPECT_EQ(rec.exit->exit_code(), 3);
  second->reset();
}

TEST_F(ConnectionTest, BadFrameEndsTheConnectionAndItsChannels) {
  Recorder rec;
  ASSERT_TRUE(connection_->openChannel(command("sleep 30"), rec).ok());
  ASSERT_TRUE(runUntil([&] { return rec.opened.has_value(); }, kTimeout));
  const uint8_t bad[] = {99, 0, 0, 0, 1};
  ASSERT_TRUE(connection_->sendRawFrame(bad).ok());
  ASSERT_TRUE(runUntil([&] { return observer_.disconnected.has_value(); }, kTimeout));
  ASSERT_FALSE(observer_.disconnected->ok());
  EXPECT_EQ(observer_.disconnected->error().code, v1::BAD_FRAME)
      << observer_.disconnected->error().message;
  ASSERT_TRUE(rec.error.has_value());
  EXPECT_EQ(rec.error->code, v1::SESSION_LOST);
  EXPECT_EQ(connection_->state(), Connection::State::kClosed);
}

TEST_F(ConnectionTest, CloseIsClean) {
  ASSERT_TRUE(runUntil([&] { return observer_.connected; }, kTimeout));
  connection_->close();
  ASSERT_TRUE(runUntil([&] { return observer_.disconnected.has_value(); }, kTimeout));
  EXPECT_TRUE(observer_.disconnected->ok());
}

TEST(ConnectionRefused, ReportsTheUrl) {
  uv_loop_t loop;
  ASSERT_EQ(uv_loop_init(&loop), 0);
  configureLwsLogging(false);
  {
    auto context = ClientContext::create(&loop);
    ASSERT_TRUE(context.ok());
    Observer observer;
    ConnectionOptions options;
    options.url = "ws://127.0.0.1:1/";
    auto connection = Connection::connect(**context, options, observer);
    if (connection.ok()) {
      while (!observer.disconnected) uv_run(&loop, UV_RUN_ONCE);
      ASSERT_FALSE(observer.disconnected->ok());
      EXPECT_NE(observer.disconnected->error().message.find("ws://127.0.0.1:1/"), std::string::npos);
    } else {
      EXPECT_NE(connection.error().message.find("ws://127.0.0.1:1/"), std::string::npos);
    }
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT_EQ(uv_loop_close(&loop), 0);
}

}  // namespace
}  // namespace airlock::client
