// Writes the seed corpus of `frame_fuzz`: one valid frame of every type, then
// a few invalid ones (each rejection path of `decodeAndValidate`).
//
//   frame_corpus_gen OUTPUT_DIR
#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "frame.h"

namespace {

using airlock::proto::encodeFrame;
using airlock::proto::FrameType;
namespace v1 = airlock::v1;

std::span<const uint8_t> bytesOf(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string rawFrame(uint8_t type, uint32_t channel, const std::string& payload) {
  std::string out(airlock::proto::kHeaderBytes, '\0');
  airlock::proto::writeHeader(reinterpret_cast<uint8_t*>(out.data()),
                              static_cast<FrameType>(type), channel);
  return out + payload;
}

std::vector<std::pair<std::string, std::string>> validSeeds() {
  v1::Open open;
  open.set_target("host");
  open.add_argv("bash");
  open.add_argv("-l");
  (*open.mutable_env())["TERM"] = "xterm-256color";
  open.set_tty(true);
  open.set_rows(24);
  open.set_cols(80);
  open.set_user("root");
  open.set_window(262144);
  open.set_cwd("/");
  v1::Opened opened;
  opened.set_session_id("0123456789abcdef");
  opened.set_stdin_window(65536);
  opened.set_pid(4242);
  v1::Resize resize;
  resize.set_rows(50);
  resize.set_cols(132);
  v1::Exit exit_msg;
  exit_msg.set_wait_status(0x0700);
  exit_msg.set_exit_code(7);
  v1::Error error;
  error.set_code(v1::UNKNOWN_TARGET);
  error.set_message("no target named \"x\"; see the daemon's config");
  v1::Credit credit;
  credit.set_bytes(65536);
  v1::Sessions sessions;
  auto* info = sessions.add_sessions();
  info->set_session_id("0123456789abcdef");
  info->set_target("host");
  info->add_argv("bash");
  info->set_tty(true);
  info->set_user("root");
  info->set_started_unix_ms(1700000000000);
  info->set_viewers(1);
  info->set_principal("alice");
  info->set_pid(4242);
  v1::CanI can_i;
  can_i.set_request_id(1);
  can_i.set_operation("exec-tty");
  can_i.set_target("web-1");
  can_i.set_user("postgres");
  v1::Decision decision;
  decision.set_request_id(1);
  decision.set_verdict("deny");
  decision.set_rule("strict mode: exec-tty needs dcos:mesos:agent:container:app_id:/prod/web update");
  v1::Delegate delegate;
  delegate.set_request_id(2);
  delegate.set_target("web-1");
  delegate.set_delegate("harry");
  delegate.set_lifetime_s(1800);
  v1::DelegationToken delegation;
  delegation.set_request_id(2);
  delegation.set_token("aGVhZGVy.cGF5bG9hZA.c2ln");
  delegation.set_task_id("web-1");
  delegation.set_delegate("harry");
  delegation.set_expires_unix(1700001800);
  open.set_no_stdin(true);
  open.set_delegation("aGVhZGVy.cGF5bG9hZA.c2ln");
  std::string data("hello\r\n\x1b[31mred\x1b[0m\x03", 21);
  return {
      {"01-open", encodeFrame(FrameType::kOpen, 1, open)},
      {"02-opened", encodeFrame(FrameType::kOpened, 1, opened)},
      {"03-stdin", encodeFrame(FrameType::kStdin, 1, bytesOf(data))},
      {"04-stdout", encodeFrame(FrameType::kStdout, 1, bytesOf(data))},
      {"05-stderr", encodeFrame(FrameType::kStderr, 2, bytesOf(data))},
      {"06-resize", encodeFrame(FrameType::kResize, 1, resize)},
      {"07-close-stdin", encodeFrame(FrameType::kCloseStdin, 1)},
      {"08-exit", encodeFrame(FrameType::kExit, 1, exit_msg)},
      {"09-error-session", encodeFrame(FrameType::kError, 3, error)},
      {"09-error-connection", encodeFrame(FrameType::kError, 0, error)},
      {"10-credit", encodeFrame(FrameType::kCredit, 1, credit)},
      {"11-close", encodeFrame(FrameType::kClose, 1)},
      {"12-ping", encodeFrame(FrameType::kPing, 0, bytesOf(std::string("12345678")))},
      {"13-pong", encodeFrame(FrameType::kPong, 0, bytesOf(std::string("12345678")))},
      {"14-list", encodeFrame(FrameType::kList, 0)},
      {"15-sessions", encodeFrame(FrameType::kSessions, 0, sessions)},
      {"16-can-i", encodeFrame(FrameType::kCanI, 0, can_i)},
      {"17-decision", encodeFrame(FrameType::kDecision, 0, decision)},
      {"18-delegate", encodeFrame(FrameType::kDelegate, 0, delegate)},
      {"19-delegation", encodeFrame(FrameType::kDelegation, 0, delegation)},
  };
}

std::vector<std::pair<std::string, std::string>> badSeeds() {
  v1::Open no_argv;
  no_argv.set_target("host");
  v1::Resize zero;
  v1::Open long_target;
  long_target.set_target(std::string(257, 't'));
  long_target.add_argv("true");
  v1::Open nul_user;
  nul_user.set_target("host");
  nul_user.add_argv("true");
  nul_user.set_user(std::string("ro\0ot", 5));
  v1::CanI long_operation;
  long_operation.set_target("host");
  long_operation.set_operation(std::string(33, 'x'));
  return {
      {"bad-short", std::string("\x03\x00\x00", 3)},
      {"bad-unknown-type", rawFrame(99, 1, "")},
      {"bad-stdout-on-channel-0", rawFrame(4, 0, "x")},
      {"bad-list-on-channel-1", rawFrame(14, 1, "")},
      {"bad-delegate-on-channel-1", rawFrame(18, 1, "")},
      {"bad-delegation-malformed", rawFrame(19, 0, std::string("\x12\x64", 2))},
      {"bad-close-with-payload", rawFrame(11, 1, "x")},
      {"bad-open-malformed", rawFrame(1, 1, std::string("\x0a\x64", 2))},
      {"bad-open-no-argv", encodeFrame(FrameType::kOpen, 1, no_argv)},
      {"bad-resize-zero", encodeFrame(FrameType::kResize, 1, zero)},
      {"bad-ping-126", encodeFrame(FrameType::kPing, 0, bytesOf(std::string(126, 'p')))},
      {"bad-open-long-target", encodeFrame(FrameType::kOpen, 1, long_target)},
      {"bad-open-nul-user", encodeFrame(FrameType::kOpen, 1, nul_user)},
      {"bad-can-i-long-operation", encodeFrame(FrameType::kCanI, 0, long_operation)},
  };
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  auto seeds = validSeeds();
  for (auto& seed : badSeeds()) seeds.push_back(std::move(seed));
  for (const auto& [name, bytes] : seeds) {
    std::string path = std::string(argv[1]) + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return 1;
    }
  }
  std::printf("wrote %zu seeds to %s\n", seeds.size(), argv[1]);
  return 0;
}
