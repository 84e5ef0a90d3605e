// Unit tests of the airlock.v1 frame codec: every frame type round-trips and
// every rejection path of `decodeFrame`, `decodeMessage`, `validateOpen` and
// `validateResize` is taken at least once.
#include "frame.h"

#include "airlock/peer_text.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace airlock::proto {
namespace {

std::span<const uint8_t> bytesOf(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string raw(uint8_t type, uint32_t channel, std::string payload = {}) {
  std::string out(kHeaderBytes, '\0');
  writeHeader(reinterpret_cast<uint8_t*>(out.data()), static_cast<FrameType>(type), channel);
  return out + payload;
}

v1::Open validOpen() {
  v1::Open open;
  open.set_target("host");
  open.add_argv("bash");
  open.add_argv("-l");
  (*open.mutable_env())["TERM"] = "xterm-256color";
  open.set_tty(true);
  open.set_rows(24);
  open.set_cols(80);
  return open;
}

const FrameLimits kLimits;

// Round trips -----------------------------------------------------------------

TEST(FrameHeader, IsTypeThenBigEndianChannel) {
  std::string frame = encodeFrame(FrameType::kStdin, 0x01020304, bytesOf("x"));
  ASSERT_EQ(frame.size(), kHeaderBytes + 1);
  EXPECT_EQ(static_cast<uint8_t>(frame[0]), 3);
  EXPECT_EQ(static_cast<uint8_t>(frame[1]), 0x01);
  EXPECT_EQ(static_cast<uint8_t>(frame[2]), 0x02);
  EXPECT_EQ(static_cast<uint8_t>(frame[3]), 0x03);
  EXPECT_EQ(static_cast<uint8_t>(frame[4]), 0x04);
  EXPECT_EQ(frame[5], 'x');
}

TEST(FrameRoundTrip, DataFramesKeepTheirBytes) {
  std::string payload("a\0b\xff\x03", 5);
  for (FrameType type : {FrameType::kStdin, FrameType::kStdout, FrameType::kStderr}) {
    std::string encoded = encodeFrame(type, 7, bytesOf(payload));
    auto frame = decodeFrame(bytesOf(encoded), kLimits);
    ASSERT_TRUE(frame.ok()) << frame.error().message;
    EXPECT_EQ(frame->type, type);
    EXPECT_EQ(frame->channel, 7u);
    EXPECT_EQ(std::string(frame->payload.begin(), frame->payload.end()), payload);
    EXPECT_TRUE(decodeAndValidate(bytesOf(encoded), kLimits).ok());
  }
}

TEST(FrameRoundTrip, EmptyDataFrameIsLegal) {
  std::string encoded = encodeFrame(FrameType::kStdout, 1);
  auto frame = decodeFrame(bytesOf(encoded), kLimits);
  ASSERT_TRUE(frame.ok());
  EXPECT_TRUE(frame->payload.empty());
}

TEST(FrameRoundTrip, ChannelExtremes) {
  for (uint32_t channel : {1u, 0xffu, 0x100u, 0xffffffffu}) {
    auto encoded = encodeFrame(FrameType::kClose, channel);
    auto frame = decodeFrame(bytesOf(encoded), kLimits);
    ASSERT_TRUE(frame.ok());
    EXPECT_EQ(frame->channel, channel);
  }
}

TEST(FrameRoundTrip, Open) {
  v1::Open open = validOpen();
  open.set_user("alice");
  open.set_window(65536);
  open.set_cwd("/tmp");
  std::string encoded = encodeFrame(FrameType::kOpen, 3, open);
  auto frame = decodeFrame(bytesOf(encoded), kLimits);
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(frame->type, FrameType::kOpen);
  v1::Open decoded;
  ASSERT_TRUE(decodeMessage(*frame, decoded).ok());
  EXPECT_EQ(decoded.target(), "host");
  ASSERT_EQ(decoded.argv_size(), 2);
  EXPECT_EQ(decoded.argv(1), "-l");
  EXPECT_EQ(decoded.env().at("TERM"), "xterm-256color");
  EXPECT_TRUE(decoded.tty());
  EXPECT_EQ(decoded.rows(), 24u);
  EXPECT_EQ(decoded.cols(), 80u);
  EXPECT_EQ(decoded.user(), "alice");
  EXPECT_EQ(decoded.window(), 65536u);
  EXPECT_EQ(decoded.cwd(), "/tmp");
  EXPECT_TRUE(validateOpen(decoded, kLimits).ok());
  EXPECT_TRUE(decodeAndValidate(bytesOf(encoded), kLimits).ok());
}

TEST(FrameRoundTrip, Opened) {
  v1::Opened opened;
  opened.set_session_id("s-1");
  opened.set_stdin_window(4096);
  opened.set_pid(1234);
  auto encoded = encodeFrame(FrameType::kOpened, 9, opened);
  auto frame = decodeFrame(bytesOf(encoded), kLimits);
  ASSERT_TRUE(frame.ok());
  v1::Opened decoded;
  ASSERT_TRUE(decodeMessage(*frame, decoded).ok());
  EXPECT_EQ(decoded.session_id(), "s-1");
  EXPECT_EQ(decoded.stdin_window(), 4096u);
  EXPECT_EQ(decoded.pid(), 1234);
  EXPECT_TRUE(decodeAndValidate(bytesOf(encoded), kLimits).ok());
}

TEST(FrameRoundTrip, Resize) {
  v1::Resize resize;
  resize.set_rows(50);
  resize.set_cols(132);
  auto encoded = encodeFrame(FrameType::kResize, 2, resize);
  auto frame = decodeFrame(bytesOf(encoded), kLimits);
  ASSERT_TRUE(frame.ok());
  v1::Resize decoded;
  ASSERT_TRUE(decodeMessage(*frame, decoded).ok());
  EXPECT_EQ(decoded.rows(), 50u);
  EXPECT_EQ(decoded.cols(), 132u);
  EXPECT_TRUE(decodeAndValidate(bytesOf(encoded), kLimits).ok());
}

TEST(FrameRoundTrip, Exit) {
  v1::Exit exit_msg;
  exit_msg.set_wait_status(9);
  exit_msg.set_exit_code(137);
  exit_msg.set_signal(9);
  auto encoded = encodeFrame(FrameType::kExit, 4, exit_msg);
  auto frame = decodeFrame(bytesOf(encoded), kLimits);
  ASSERT_TRUE(frame.ok());
  v1::Exit decoded;
  ASSERT_TRUE(decodeMessage(*frame, decoded).ok());
  EXPECT_EQ(decoded.wait_status(), 9);
  EXPECT_EQ(decoded.exit_code(), 137);
  EXPECT_EQ(decoded.signal(), 9);
}

TEST(FrameRoundTrip, ErrorOnBothChannelKinds) {
  v1::Error error;
  error.set_code(v1::UNKNOWN_TARGET);
  error.set_message("no target named \"nope\"");
  for (uint32_t channel : {0u, 5u}) {
    auto encoded = encodeFrame(FrameType::kError, channel, error);
    auto frame = decodeFrame(bytesOf(encoded), kLimits);
    ASSERT_TRUE(frame.ok()) << "channel " << channel;
    v1::Error decoded;
    ASSERT_TRUE(decodeMessage(*frame, decoded).ok());
    EXPECT_EQ(decoded.code(), v1::UNKNOWN_TARGET);
    EXPECT_EQ(decoded.message(), error.message());
  }
}

TEST(FrameRoundTrip, Credit) {
  v1::Credit credit;
  credit.set_bytes(uint64_t{1} << 40);
  auto encoded = encodeFrame(FrameType::kCredit, 1, credit);
  auto frame = decodeFrame(bytesOf(encoded), kLimits);
  ASSERT_TRUE(frame.ok());
  v1::Credit decoded;
  ASSERT_TRUE(decodeMessage(*frame, decoded).ok());
  EXPECT_EQ(decoded.bytes(), uint64_t{1} << 40);
}

TEST(FrameRoundTrip, EmptyControlFrames) {
  struct Case {
    FrameType type;
    uint32_t channel;
  };
  for (Case c : {Case{FrameType::kCloseStdin, 1}, Case{FrameType::kClose, 1},
                 Case{FrameType::kList, 0}}) {
    auto encoded = encodeFrame(c.type, c.channel);
    EXPECT_EQ(encoded.size(), kHeaderBytes);
    auto frame = decodeFrame(bytesOf(encoded), kLimits);
    ASSERT_TRUE(frame.ok()) << frameTypeName(c.type);
    EXPECT_EQ(frame->type, c.type);
    EXPECT_TRUE(decodeAndValidate(bytesOf(encoded), kLimits).ok());
  }
}

TEST(FrameRoundTrip, PingAndPongCarryOpaquePayload) {
  std::string payload("\x00\x01time", 6);
  for (FrameType type : {FrameType::kPing, FrameType::kPong}) {
    auto encoded = encodeFrame(type, kConnectionChannel, bytesOf(payload));
    auto frame = decodeFrame(bytesOf(encoded), kLimits);
    ASSERT_TRUE(frame.ok());
    EXPECT_EQ(std::string(frame->payload.begin(), frame->payload.end()), payload);
  }
}

TEST(FrameRoundTrip, Sessions) {
  v1::Sessions sessions;
  auto* info = sessions.add_sessions();
  info->set_session_id("abc");
  info->set_target("host");
  info->add_argv("bash");
  info->set_tty(true);
  info->set_user("root");
  info->set_started_unix_ms(1700000000000);
  info->set_viewers(2);
  info->set_principal("alice");
  info->set_pid(42);
  auto encoded = encodeFrame(FrameType::kSessions, 0, sessions);
  auto frame = decodeFrame(bytesOf(encoded), kLimits);
  ASSERT_TRUE(frame.ok());
  v1::Sessions decoded;
  ASSERT_TRUE(decodeMessage(*frame, decoded).ok());
  ASSERT_EQ(decoded.sessions_size(), 1);
  EXPECT_EQ(decoded.sessions(0).session_id(), "abc");
  EXPECT_EQ(decoded.sessions(0).started_unix_ms(), 1700000000000u);
  EXPECT_EQ(decoded.sessions(0).viewers(), 2u);
  EXPECT_EQ(decoded.sessions(0).pid(), 42);
}

TEST(FrameTypeName, NamesEveryType) {
  for (int t = 1; t <= 19; ++t) {
    EXPECT_NE(frameTypeName(static_cast<FrameType>(t)), "UNKNOWN") << t;
  }
  EXPECT_EQ(frameTypeName(FrameType::kCanI), "CAN_I");
  EXPECT_EQ(frameTypeName(FrameType::kDecision), "DECISION");
  EXPECT_EQ(frameTypeName(static_cast<FrameType>(0)), "UNKNOWN");
  EXPECT_EQ(frameTypeName(FrameType::kSessions), "SESSIONS");
}

TEST(FrameRoundTrip, CanIAndDecision) {
  v1::CanI question;
  question.set_request_id(7);
  question.set_operation("exec-tty");
  question.set_target("web-1");
  question.set_user("postgres");
  auto encoded = encodeFrame(FrameType::kCanI, 0, question);
  auto frame = decodeFrame(bytesOf(encoded), kLimits);
  ASSERT_TRUE(frame.ok());
  v1::CanI decoded;
  ASSERT_TRUE(decodeMessage(*frame, decoded).ok());
  EXPECT_EQ(decoded.request_id(), 7u);
  EXPECT_EQ(decoded.operation(), "exec-tty");
  EXPECT_EQ(decoded.user(), "postgres");

  v1::Decision decision;
  decision.set_request_id(7);
  decision.set_verdict("deny");
  decision.set_rule("strict mode: ...");
  encoded = encodeFrame(FrameType::kDecision, 0, decision);
  EXPECT_TRUE(decodeAndValidate(bytesOf(encoded), kLimits).ok());
  // Both are connection-level: never on a session channel.
  EXPECT_FALSE(decodeFrame(bytesOf(encodeFrame(FrameType::kCanI, 3, question)), kLimits).ok());
  EXPECT_FALSE(decodeFrame(bytesOf(encodeFrame(FrameType::kDecision, 3, decision)), kLimits).ok());
  EXPECT_FALSE(decodeAndValidate(bytesOf(std::string("\x10\0\0\0\0\xff", 6)), kLimits).ok());
}

TEST(FrameRoundTrip, DelegateAndDelegation) {
  v1::Delegate ask;
  ask.set_request_id(9);
  ask.set_target("web-1");
  ask.set_delegate("harry");
  ask.set_lifetime_s(600);
  auto encoded = encodeFrame(FrameType::kDelegate, 0, ask);
  auto frame = decodeFrame(bytesOf(encoded), kLimits);
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(frameTypeName(frame->type), "DELEGATE");
  v1::Delegate decoded;
  ASSERT_TRUE(decodeMessage(*frame, decoded).ok());
  EXPECT_EQ(decoded.delegate(), "harry");
  EXPECT_EQ(decoded.lifetime_s(), 600u);

  v1::DelegationToken answer;
  answer.set_request_id(9);
  answer.set_refusal("only super admins may issue delegations");
  encoded = encodeFrame(FrameType::kDelegation, 0, answer);
  EXPECT_TRUE(decodeAndValidate(bytesOf(encoded), kLimits).ok());
  EXPECT_EQ(frameTypeName(FrameType::kDelegation), "DELEGATION");
  // Connection-level, like CAN_I; a truncated message is refused.
  EXPECT_FALSE(decodeFrame(bytesOf(encodeFrame(FrameType::kDelegate, 1, ask)), kLimits).ok());
  EXPECT_FALSE(decodeFrame(bytesOf(encodeFrame(FrameType::kDelegation, 2, answer)), kLimits).ok());
  EXPECT_FALSE(decodeAndValidate(bytesOf(std::string("\x13\0\0\0\0\x12\x64", 7)), kLimits).ok());
  EXPECT_FALSE(decodeFrame(bytesOf(std::string("\x14\0\0\0\0", 5)), kLimits).ok());
}

TEST(FrameRoundTrip, OpenCarriesNoStdinAndDelegation) {
  v1::Open open;
  open.set_target("web-1");
  open.add_argv("true");
  open.set_no_stdin(true);
  open.set_delegation("a.b.c");
  std::string encoded = encodeFrame(FrameType::kOpen, 1, open);  // Outlives `frame`.
  auto frame = decodeFrame(bytesOf(encoded), kLimits);
  ASSERT_TRUE(frame.ok());
  v1::Open decoded;
  ASSERT_TRUE(decodeMessage(*frame, decoded).ok());
  EXPECT_TRUE(decoded.no_stdin());
  EXPECT_EQ(decoded.delegation(), "a.b.c");
}

// Rejections ------------------------------------------------------------------

void expectRejected(const std::string& bytes, int code, const std::string& fragment) {
  auto frame = decodeFrame(bytesOf(bytes), kLimits);
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.error().code, code);
  EXPECT_NE(frame.error().message.find(fragment), std::string::npos) << frame.error().message;
  auto full = decodeAndValidate(bytesOf(bytes), kLimits);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, code);
}

TEST(FrameReject, ShorterThanHeader) {
  for (size_t n = 0; n < kHeaderBytes; ++n) {
    expectRejected(std::string(n, '\x03'), v1::BAD_FRAME, "shorter than");
  }
}

TEST(FrameReject, TooLarge) {
  FrameLimits small;
  small.max_frame_bytes = 16;
  std::string ok_frame = raw(3, 1, std::string(11, 'a'));  // Exactly 16 bytes.
  EXPECT_TRUE(decodeFrame(bytesOf(ok_frame), small).ok());
  std::string big = raw(3, 1, std::string(12, 'a'));
  auto frame = decodeFrame(bytesOf(big), small);
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.error().code, v1::FRAME_TOO_LARGE);
  EXPECT_NE(frame.error().message.find("exceeds"), std::string::npos);
  // Size is checked before anything else, even for garbage.
  auto garbage = decodeFrame(bytesOf(std::string(17, '\xee')), small);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().code, v1::FRAME_TOO_LARGE);
}

TEST(FrameReject, DefaultLimitIsOneMebibyte) {
  std::string frame = raw(4, 1, std::string((1 << 20) - kHeaderBytes, 'z'));
  EXPECT_TRUE(decodeFrame(bytesOf(frame), kLimits).ok());
  frame.push_back('z');
  auto r = decodeFrame(bytesOf(frame), kLimits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, v1::FRAME_TOO_LARGE);
}

TEST(FrameReject, UnknownType) {
  for (int t : {0, 20, 127, 255}) {
    expectRejected(raw(static_cast<uint8_t>(t), 1), v1::BAD_FRAME, "unknown frame type");
  }
}

TEST(FrameReject, SessionTypesOnChannelZero) {
  for (int t : {1, 2, 3, 4, 5, 6, 7, 8, 10, 11}) {
    expectRejected(raw(static_cast<uint8_t>(t), 0), v1::BAD_FRAME, "on channel 0");
  }
}

TEST(FrameReject, ConnectionTypesOnSessionChannel) {
  for (int t : {12, 13, 14, 15}) {
    expectRejected(raw(static_cast<uint8_t>(t), 1), v1::BAD_FRAME, "on a session channel");
  }
}

TEST(FrameReject, EmptyTypesWithPayload) {
  expectRejected(raw(7, 1, "x"), v1::BAD_FRAME, "CLOSE_STDIN frame with a payload");
  expectRejected(raw(11, 1, "x"), v1::BAD_FRAME, "CLOSE frame with a payload");
  expectRejected(raw(14, 0, "x"), v1::BAD_FRAME, "LIST frame with a payload");
}

TEST(FrameReject, MalformedProtobuf) {
  // A length-delimited field (tag 0x0a) claiming 100 bytes of which none follow.
  std::string truncated("\x0a\x64", 2);
  // Field number 0 is never valid.
  std::string field_zero("\x00\x01", 2);
  for (int t : {1, 2, 6, 8, 9, 10}) {
    for (const std::string& bad : {truncated, field_zero}) {
      auto bytes = raw(static_cast<uint8_t>(t), 1, bad);
      auto frame = decodeFrame(bytesOf(bytes), kLimits);
      ASSERT_TRUE(frame.ok()) << t;
      auto full = decodeAndValidate(bytesOf(bytes), kLimits);
      ASSERT_FALSE(full.ok()) << t;
      EXPECT_EQ(full.error().code, v1::BAD_FRAME);
      EXPECT_NE(full.error().message.find("malformed"), std::string::npos);
    }
  }
  auto sessions = raw(15, 0, truncated);
  EXPECT_FALSE(decodeAndValidate(bytesOf(sessions), kLimits).ok());
}

TEST(FrameReject, DecodeMessageNamesTheType) {
  auto bytes = raw(10, 1, std::string("\x0a\x64", 2));
  auto frame = decodeFrame(bytesOf(bytes), kLimits);
  ASSERT_TRUE(frame.ok());
  v1::Credit credit;
  auto r = decodeMessage(*frame, credit);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "malformed CREDIT payload");
}

// validateOpen ------------------------------------------------------------------

void expectOpenRejected(const v1::Open& open, const std::string& fragment,
                        const FrameLimits& limits = kLimits) {
  auto r = validateOpen(open, limits);
  ASSERT_FALSE(r.ok()) << "expected: " << fragment;
  EXPECT_EQ(r.error().code, v1::BAD_FRAME);
  EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
  // The same rejection through the full decode path.
  auto bytes = encodeFrame(FrameType::kOpen, 1, open);
  EXPECT_FALSE(decodeAndValidate(bytesOf(bytes), limits).ok());
}

TEST(ValidateOpen, AcceptsMinimal) {
  v1::Open open;
  open.set_target("host");
  open.add_argv("true");
  EXPECT_TRUE(validateOpen(open, kLimits).ok());
}

TEST(ValidateOpen, RequiresTargetAndCommand) {
  v1::Open no_target = validOpen();
  no_target.clear_target();
  expectOpenRejected(no_target, "without a target");
  v1::Open no_argv = validOpen();
  no_argv.clear_argv();
  expectOpenRejected(no_argv, "without a command");
  v1::Open empty_program = validOpen();
  empty_program.set_argv(0, "");
  expectOpenRejected(empty_program, "empty program name");
}

TEST(ValidateOpen, WatchTakesOnlyASessionId) {
  v1::Open watch;
  watch.set_watch_session("5f0c1d2e-0000-4000-8000-000000000001");
  EXPECT_TRUE(validateOpen(watch, kLimits).ok());  // No target or command needed.
  v1::Open with_argv = watch;
  with_argv.add_argv("sh");
  expectOpenRejected(with_argv, "takes no command");
  v1::Open with_tty = watch;
  with_tty.set_tty(true);
  expectOpenRejected(with_tty, "takes no command");
  v1::Open with_user = watch;
  with_user.set_user("root");
  expectOpenRejected(with_user, "takes no command");
  v1::Open too_long = watch;
  too_long.set_watch_session(std::string(65, 'a'));
  expectOpenRejected(too_long, "watch_session is 65 bytes; the limit is 64");
}

TEST(ValidateOpen, ArgvCountLimit) {
  FrameLimits limits;
  limits.max_argv = 3;
  v1::Open open = validOpen();
  open.add_argv("x");  // 3 arguments: at the limit.
  EXPECT_TRUE(validateOpen(open, limits).ok());
  open.add_argv("y");
  expectOpenRejected(open, "more than 3 arguments", limits);
}

TEST(ValidateOpen, ArgvBytesLimit) {
  FrameLimits limits;
  limits.max_argv_bytes = 10;
  v1::Open open;
  open.set_target("host");
  open.add_argv("abcd");   // 5 bytes with its terminator.
  open.add_argv("efgh");   // 10.
  EXPECT_TRUE(validateOpen(open, limits).ok());
  open.add_argv("");       // 11.
  expectOpenRejected(open, "arguments too long", limits);
}

TEST(ValidateOpen, NulBytes) {
  v1::Open argv_nul = validOpen();
  argv_nul.add_argv(std::string("a\0b", 3));
  expectOpenRejected(argv_nul, "NUL byte");
  v1::Open user_nul = validOpen();
  user_nul.set_user(std::string("ro\0ot", 5));
  expectOpenRejected(user_nul, "OPEN user contains a NUL byte");
  v1::Open cwd_nul = validOpen();
  cwd_nul.set_cwd(std::string("/\0", 2));
  expectOpenRejected(cwd_nul, "OPEN cwd contains a NUL byte");
}

TEST(ValidateOpen, EnvironmentLimits) {
  FrameLimits limits;
  limits.max_env = 2;
  v1::Open open = validOpen();  // Has TERM.
  (*open.mutable_env())["A"] = "1";
  EXPECT_TRUE(validateOpen(open, limits).ok());
  (*open.mutable_env())["B"] = "2";
  expectOpenRejected(open, "more than 2 variables", limits);

  for (const std::string& name : {std::string(), std::string("A=B"), std::string("A\0B", 3)}) {
    v1::Open bad = validOpen();
    (*bad.mutable_env())[name] = "v";
    expectOpenRejected(bad, "invalid environment variable");
  }
  v1::Open bad_value = validOpen();
  (*bad_value.mutable_env())["A"] = std::string("x\0y", 3);
  expectOpenRejected(bad_value, "invalid environment variable");
  v1::Open equals_in_value = validOpen();
  (*equals_in_value.mutable_env())["A"] = "x=y";
  EXPECT_TRUE(validateOpen(equals_in_value, kLimits).ok());
}

TEST(ValidateOpen, TerminalSizeOnlyCheckedForTty) {
  v1::Open open = validOpen();
  open.set_rows(kLimits.max_rows);
  open.set_cols(kLimits.max_cols);
  EXPECT_TRUE(validateOpen(open, kLimits).ok());
  open.set_rows(kLimits.max_rows + 1);
  expectOpenRejected(open, "terminal size out of range");
  open.set_rows(24);
  open.set_cols(kLimits.max_cols + 1);
  expectOpenRejected(open, "terminal size out of range");
  open.set_tty(false);
  EXPECT_TRUE(validateOpen(open, kLimits).ok());
  // 0x0 means the default size.
  v1::Open zero = validOpen();
  zero.set_rows(0);
  zero.set_cols(0);
  EXPECT_TRUE(validateOpen(zero, kLimits).ok());
}

// validateResize ----------------------------------------------------------------

TEST(ValidateResize, Limits) {
  auto resize = [](uint32_t rows, uint32_t cols) {
    v1::Resize r;
    r.set_rows(rows);
    r.set_cols(cols);
    return r;
  };
  EXPECT_TRUE(validateResize(resize(1, 1), kLimits).ok());
  EXPECT_TRUE(validateResize(resize(kLimits.max_rows, kLimits.max_cols), kLimits).ok());
  for (auto bad : {resize(0, 80), resize(24, 0), resize(kLimits.max_rows + 1, 80),
                   resize(24, kLimits.max_cols + 1)}) {
    auto r = validateResize(bad, kLimits);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, v1::BAD_FRAME);
    EXPECT_NE(r.error().message.find("out of range"), std::string::npos);
    auto bytes = encodeFrame(FrameType::kResize, 1, bad);
    EXPECT_FALSE(decodeAndValidate(bytesOf(bytes), kLimits).ok());
  }
  auto r = validateResize(resize(0, 80), kLimits);
  EXPECT_EQ(r.error().message, "RESIZE to 0x80 is out of range");
}

// Every field a peer sends has a byte limit -----------------------------------

TEST(FieldLimits, PingAndPongPayloadsAreAtMost125Bytes) {
  for (FrameType type : {FrameType::kPing, FrameType::kPong}) {
    auto ok = encodeFrame(type, kConnectionChannel, bytesOf(std::string(125, 'p')));
    EXPECT_TRUE(decodeFrame(bytesOf(ok), kLimits).ok());
    auto big = encodeFrame(type, kConnectionChannel, bytesOf(std::string(126, 'p')));
    auto r = decodeFrame(bytesOf(big), kLimits);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, v1::BAD_FRAME);
    EXPECT_EQ(r.error().message, std::string(frameTypeName(type)) + " payload of 126 bytes; the limit is 125");
  }
}

TEST(FieldLimits, EachOpenFieldAtItsLimitPassesAndOneByteMoreIsRefused) {
  struct Case {
    const char* field;
    size_t limit;
    std::function<void(v1::Open&, std::string)> set;
  };
  std::vector<Case> cases = {
      {"target", kLimits.max_target_bytes, [](v1::Open& o, std::string v) { o.set_target(v); }},
      {"user", kLimits.max_user_bytes, [](v1::Open& o, std::string v) { o.set_user(v); }},
      {"cwd", kLimits.max_cwd_bytes, [](v1::Open& o, std::string v) { o.set_cwd(v); }},
      {"delegation", kLimits.max_delegation_bytes, [](v1::Open& o, std::string v) { o.set_delegation(v); }},
  };
  for (const auto& c : cases) {
    v1::Open at = validOpen();
    c.set(at, std::string(c.limit, 'a'));
    EXPECT_TRUE(validateOpen(at, kLimits).ok()) << c.field;
    v1::Open over = validOpen();
    c.set(over, std::string(c.limit + 1, 'a'));
    auto r = validateOpen(over, kLimits);
    ASSERT_FALSE(r.ok()) << c.field;
    EXPECT_EQ(r.error().code, v1::BAD_FRAME);
    EXPECT_EQ(r.error().message, "OPEN " + std::string(c.field) + " is " + std::to_string(c.limit + 1) +
                                     " bytes; the limit is " + std::to_string(c.limit));
    // The daemon's decoder refuses it too.
    auto bytes = encodeFrame(FrameType::kOpen, 1, over);
    EXPECT_FALSE(decodeAndValidate(bytesOf(bytes), kLimits).ok()) << c.field;
  }
}

TEST(FieldLimits, OpenEnvironmentBytesAreBounded) {
  v1::Open open = validOpen();
  open.mutable_env()->clear();
  // Four variables of 16 KiB each: 64 KiB and a few bytes, over the limit.
  for (int i = 0; i < 4; ++i) (*open.mutable_env())["V" + std::to_string(i)] = std::string(16 * 1024, 'x');
  auto r = validateOpen(open, kLimits);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("OPEN env is"), std::string::npos) << r.error().message;
  open.mutable_env()->erase("V3");
  EXPECT_TRUE(validateOpen(open, kLimits).ok());
}

TEST(FieldLimits, CanIAndDelegateFieldsAreBounded) {
  v1::CanI question;
  question.set_operation("exec");
  question.set_target(std::string(kLimits.max_target_bytes, 't'));
  EXPECT_TRUE(validateCanI(question, kLimits).ok());
  question.set_operation(std::string(33, 'o'));
  auto r = validateCanI(question, kLimits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "CAN_I operation is 33 bytes; the limit is 32");
  question.set_operation("exec");
  question.set_user(std::string(1, '\0'));
  EXPECT_EQ(validateCanI(question, kLimits).error().message, "CAN_I user contains a NUL byte");
  auto bytes = encodeFrame(FrameType::kCanI, kConnectionChannel, question);
  EXPECT_FALSE(decodeAndValidate(bytesOf(bytes), kLimits).ok());

  v1::Delegate ask;
  ask.set_target("task");
  ask.set_delegate(std::string(kLimits.max_user_bytes + 1, 'd'));
  EXPECT_EQ(validateDelegate(ask, kLimits).error().message, "DELEGATE delegate is 257 bytes; the limit is 256");
  bytes = encodeFrame(FrameType::kDelegate, kConnectionChannel, ask);
  EXPECT_FALSE(decodeAndValidate(bytesOf(bytes), kLimits).ok());
}

TEST(PeerText, QuotesAShortEscapedPrefix) {
  EXPECT_EQ(quotePeerText("web-1"), "'web-1'");
  EXPECT_EQ(quotePeerText("a'b\\c"), "'a\\x27b\\x5cc'");
  EXPECT_EQ(quotePeerText("\x1b[2J\n\xff"), "'\\x1b[2J\\x0a\\xff'");
  std::string huge(1 << 20, 'z');
  std::string quoted = quotePeerText(huge);
  EXPECT_EQ(quoted, "'" + std::string(kQuotedPeerBytes, 'z') + "'...");
  EXPECT_EQ(quotePeerText(huge, 3), "'zzz'...");
}

}  // namespace
}  // namespace airlock::proto
