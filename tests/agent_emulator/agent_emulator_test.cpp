// The agent emulator against the spec's wire-level vectors (section 6: V13,
// V14) and the section 7 behaviours a client relies on, over raw sockets:
// exact status codes and bodies, the legacy content type framed in RecordIO,
// 0x0 start, ACI state machine (409, sequential ACIs), session killed when
// the launch connection closes, WAIT/KILL/REMOVE.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "agent/agent_calls.h"
#include "agent/mesos_json.h"
#include "agent/recordio.h"
#include "agent_emulator_process.h"
#include "command.h"
#include "mesos_vectors.h"

namespace airlock::testing {
namespace {

using namespace vectors;
// The fixture's task `spec-vectors` runs in the vectors' parent container.
const std::string kRoot = "6643b4be-583a-4dc3-bf23-a1ffb26dd452";

class Raw {
 public:
  explicit Raw(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    EXPECT_EQ(connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  }
  ~Raw() { closeNow(); }
  void closeNow() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  void send(const std::string& bytes) { ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL), ssize_t(bytes.size())); }
  // Reads until `done(buffer)` or the peer closes or 10 s pass.
  std::string readUntil(const std::function<bool(const std::string&)>& done,
                        std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done(in_) && std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      char buf[65536];
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      in_.append(buf, static_cast<size_t>(n));
    }
    return in_;
  }
  std::string response() {
    return readUntil([](const std::string& s) {
      size_t end = s.find("\r\n\r\n");
      if (end == std::string::npos) return false;
      size_t cl = s.find("Content-Length: ");
      if (cl == std::string::npos || cl > end) return true;
      return s.size() >= end + 4 + std::stoul(s.substr(cl + 16));
    });
  }
  std::string in_;

 private:
  int fd_ = -1;
};

// The DATA bytes of a raw chunked response carrying RecordIO ProcessIO.
std::string streamOutput(const std::string& raw, agent::ContentType type) {
  size_t head = raw.find("\r\n\r\n");
  if (head == std::string::npos) return {};
  std::string stream;
  for (size_t pos = head + 4; pos < raw.size();) {
    size_t eol = raw.find("\r\n", pos);
    if (eol == std::string::npos) break;
    size_t n = std::stoul(raw.substr(pos, eol - pos), nullptr, 16);
    if (n == 0 || eol + 2 + n > raw.size()) break;
    stream += raw.substr(eol + 2, n);
    pos = eol + 2 + n + 2;
  }
  std::string out;
  agent::RecordIoDecoder d;
  d.feed(stream, [&](std::string_view r) {
    mesos::agent::ProcessIO io;
    if (agent::decodeMessage(r, type, io).ok() && io.type() == mesos::agent::ProcessIO::DATA) {
      out += io.data().data();
    }
  });
  return out;
}

int portOf(const std::string& url) { return std::stoi(url.substr(url.rfind(':') + 1)); }

std::string post(const std::string& headers, const std::string& body) {
  return "POST /api/v1 HTTP/1.1\r\nHost: agent:5051\r\n" + headers + "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string chunked(const std::string& headers, const std::vector<std::string>& records) {
  std::string out = "POST /api/v1 HTTP/1.1\r\nHost: agent:5051\r\n" + headers + "Transfer-Encoding: chunked\r\n\r\n";
  for (const auto& r : records) {
    std::string rec = agent::encodeRecord(r);
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", rec.size());
    out += size + rec + "\r\n";
  }
  return out;
}

const std::string kJsonHeaders = "Content-Type: application/json\r\nAccept: application/json\r\n";
const std::string kAciHeaders =
    "Content-Type: application/recordio\r\nMessage-Content-Type: application/json\r\nAccept: application/json\r\n";

std::string launchBody(const std::string& child, const std::string& command, bool tty) {
  agent::LaunchCommand c{{"sh", "-c", command}, {}, "", tty};
  return agent::encodeMessage(agent::launchSessionCall(agent::containerId({kRoot, child}), c),
                              agent::ContentType::kJson);
}

class AgentEmulatorTest : public ::testing::Test {
 protected:
  AgentEmulatorProcess agent_{{"--heartbeat-ms", "200"}};
  int port() const { return portOf(agent_.url()); }
  std::string exchange(const std::string& request) {
    Raw r(port());
    r.send(request);
    return r.response();
  }
};

TEST_F(AgentEmulatorTest, V14HeaderGate) {
  EXPECT_NE(exchange(post("Content-Type: application/json; charset=utf-8\r\n", kV12Json)).find("HTTP/1.1 415 "), std::string::npos);
  EXPECT_NE(exchange(post("", kV12Json)).find("Expecting 'Content-Type' to be present"), std::string::npos);
  std::string r = exchange(post("Content-Type: application/json\r\nAccept: application/json\r\nMessage-Accept: application/json\r\n",
                                launchBody("x1", "true", false)));
  EXPECT_NE(r.find("HTTP/1.1 406 "), std::string::npos) << r;
  r = exchange(post("Content-Type: application/recordio\r\nAccept: application/json\r\n", agent::encodeRecord(kV1Json)));
  EXPECT_NE(r.find("HTTP/1.1 400 "), std::string::npos) << r;
  r = exchange(post("Content-Type: application/recordio\r\nMessage-Content-Type: unsupported/media-type\r\n", agent::encodeRecord(kV1Json)));
  EXPECT_NE(r.find("HTTP/1.1 415 "), std::string::npos) << r;
  r = exchange(post("Content-Type: application/json\r\nAccept: application/recordio\r\n",
                    R"({"type":"GET_CONTAINERS"})"));
  EXPECT_NE(r.find("HTTP/1.1 406 "), std::string::npos) << r;
  EXPECT_NE(r.find("Streaming response is not supported for GET_CONTAINERS call"), std::string::npos) << r;
  r = exchange("GET /api/v1 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(r.find("HTTP/1.1 405 "), std::string::npos) << r;
  EXPECT_NE(r.find("Allow: POST"), std::string::npos) << r;
}

TEST_F(AgentEmulatorTest, V14AttachInputValidation) {
  std::string r = exchange(chunked(kAciHeaders, {kV2Json}));
  EXPECT_NE(r.find("HTTP/1.1 400 "), std::string::npos) << r;
  EXPECT_NE(r.find("Expecting 'attach_container_input.type' to be CONTAINER_ID"), std::string::npos) << r;
  r = exchange(chunked(kAciHeaders, {R"({"type":"ATTACH_CONTAINER_INPUT","attach_container_input":{"type":"CONTAINER_ID"}})"}));
  EXPECT_NE(r.find("HTTP/1.1 400 "), std::string::npos) << r;
  Raw bad(port());
  bad.send("POST /api/v1 HTTP/1.1\r\nHost: x\r\n" + kAciHeaders + "Transfer-Encoding: chunked\r\n\r\n4\r\nabc\n\r\n");
  r = bad.response();
  EXPECT_NE(r.find("HTTP/1.1 500 "), std::string::npos) << r;
  EXPECT_NE(r.find("Decoder failure: "), std::string::npos) << r;
}

TEST_F(AgentEmulatorTest, PtySessionStartsAt0x0AndFollowsTtyInfo) {
  Raw launch(port());
  launch.send(post("Content-Type: application/json\r\n", launchBody(kChild, "stty size; read x; stty size", true)));
  std::string got = launch.readUntil([](const std::string& s) { return s.find("\r\n\r\n") != std::string::npos; });
  // Legacy: no streaming Accept, yet the body is RecordIO framed.
  EXPECT_NE(got.find("HTTP/1.1 200 OK"), std::string::npos) << got;
  EXPECT_NE(got.find("Content-Type: application/json\r\n"), std::string::npos) << got;
  EXPECT_EQ(got.find("Message-Content-Type"), std::string::npos) << got;
  auto output = [](const std::string& s) { return streamOutput(s, agent::ContentType::kJson); };
  got = launch.readUntil([&](const std::string& s) { return output(s).find("0 0") != std::string::npos; });
  EXPECT_EQ(output(got).substr(0, 5), "0 0\r\n") << output(got);

  // V13 shape: a whole chunked ACI with the first record, a resize and input.
  Raw input(port());
  input.send(chunked(kAciHeaders, {kV1Json, kV4Json, agent::encodeMessage(agent::stdinRecord("\n"), agent::ContentType::kJson)}) +
             "0\r\n\r\n");
  std::string reply = input.response();
  EXPECT_NE(reply.find("HTTP/1.1 200 OK"), std::string::npos) << reply;
  EXPECT_NE(reply.find("Content-Length: 0"), std::string::npos) << reply;
  EXPECT_EQ(reply.find("Content-Type"), std::string::npos) << reply;
  got = launch.readUntil([](const std::string& s) { return s.find("\r\n0\r\n\r\n") != std::string::npos; });
  EXPECT_NE(got.find("\r\n0\r\n\r\n"), std::string::npos) << got;  // The stream ended.
  EXPECT_NE(output(got).find("\r\n24 80\r\n"), std::string::npos) << output(got);

  std::string wait = exchange(post(kJsonHeaders, kV10CallJson));
  EXPECT_NE(wait.find(kV10Exit0Json), std::string::npos) << wait;
}

TEST_F(AgentEmulatorTest, SecondConcurrentInputIs409AndClosingLaunchKillsTheSession) {
  Raw launch(port());
  launch.send(post("Content-Type: application/json\r\nAccept: application/recordio\r\nMessage-Accept: application/json\r\n",
                   launchBody(kChild, "exec sleep 60", false)));
  std::string head = launch.readUntil([](const std::string& s) { return s.find("\r\n\r\n") != std::string::npos; });
  EXPECT_NE(head.find("Content-Type: application/recordio\r\nMessage-Content-Type: application/json"), std::string::npos) << head;
  Raw first(port());
  first.send(chunked(kAciHeaders, {kV1Json}));
  // Nothing comes back yet: the input stays open.
  EXPECT_EQ(first.readUntil([](const std::string&) { return false; }, std::chrono::milliseconds(300)), "");
  std::string second = exchange(chunked(kAciHeaders, {kV1Json}));
  EXPECT_NE(second.find("HTTP/1.1 409 "), std::string::npos) << second;
  EXPECT_NE(second.find("Multiple input connections are not allowed"), std::string::npos);
  // REMOVE while running: 500.
  std::string remove = exchange(post(kJsonHeaders, R"({"type":"REMOVE_NESTED_CONTAINER","remove_nested_container":{"container_id":{"value":")" + kChild + R"(","parent":{"value":")" + kRoot + R"("}}}})"));
  EXPECT_NE(remove.find("Nested container has not terminated yet"), std::string::npos) << remove;
  launch.closeNow();  // The agent destroys the session: SIGKILL.
  std::string wait = exchange(post(kJsonHeaders, R"({"type":"WAIT_NESTED_CONTAINER","wait_nested_container":{"container_id":{"value":")" + kChild + R"(","parent":{"value":")" + kRoot + R"("}}}})"));
  EXPECT_NE(wait.find(R"({"exit_status":9})"), std::string::npos) << wait;
  remove = exchange(post(kJsonHeaders, R"({"type":"REMOVE_NESTED_CONTAINER","remove_nested_container":{"container_id":{"value":")" + kChild + R"(","parent":{"value":")" + kRoot + R"("}}}})"));
  EXPECT_NE(remove.find("HTTP/1.1 200 OK"), std::string::npos) << remove;
  wait = exchange(post(kJsonHeaders, R"({"type":"WAIT_NESTED_CONTAINER","wait_nested_container":{"container_id":{"value":")" + kChild + R"(","parent":{"value":")" + kRoot + R"("}}}})"));
  EXPECT_NE(wait.find("HTTP/1.1 404 "), std::string::npos) << wait;
  std::string kill = exchange(post(kJsonHeaders, kV11Json));
  EXPECT_NE(kill.find("HTTP/1.1 404 "), std::string::npos) << kill;
}

TEST_F(AgentEmulatorTest, PipeEofRecordClosesStdinAndEarlyOutputIsKept) {
  Raw launch(port());
  launch.send(post("Content-Type: application/json\r\nAccept: application/recordio\r\nMessage-Accept: application/x-protobuf\r\n",
                   launchBody(kChild, "echo early; cat", false)));
  Raw input(port());
  input.send(chunked(kAciHeaders, {kV1Json, kV2Json, kV3Json}) + "0\r\n\r\n");
  EXPECT_NE(input.response().find("HTTP/1.1 200 OK"), std::string::npos);
  std::string got = launch.readUntil([](const std::string& s) { return s.find("\r\n0\r\n\r\n") != std::string::npos; });
  EXPECT_EQ(streamOutput(got, agent::ContentType::kProtobuf), "early\nls\n");
}

std::string waitBody(const std::string& child) {
  return R"({"type":"WAIT_NESTED_CONTAINER","wait_nested_container":{"container_id":{"value":")" + child +
         R"(","parent":{"value":")" + kRoot + R"("}}}})";
}

// SIGTERM with sessions in every state a client leaves them in (running with
// a WAIT long-polling and input attached, on a PTY and on pipes; killed a
// moment ago, its output still draining): the emulator ends them all and
// exits 0 within its bound, and no process of any session is left.
TEST(AgentEmulatorShutdownTest, SigtermEndsEverySessionAndExits) {
  AgentEmulatorProcess agent{{"--heartbeat-ms", "200"}};
  const int port = portOf(agent.url());
  const std::string marker = "7100." + std::to_string(getpid());
  std::vector<std::unique_ptr<Raw>> held;  // Launches, inputs and WAITs stay open.
  auto launch = [&](const std::string& child, bool tty) {
    auto& l = held.emplace_back(std::make_unique<Raw>(port));
    l->send(post("Content-Type: application/json\r\nAccept: application/recordio\r\nMessage-Accept: application/json\r\n",
                 launchBody(child, "sleep " + marker + " & sleep " + marker + "; wait", tty)));
    l->readUntil([](const std::string& s) { return s.find("\r\n\r\n") != std::string::npos; });
  };
  for (int i = 0; i < 4; ++i) {
    std::string child = "term-" + std::to_string(i);
    launch(child, i % 2 == 0);
    held.emplace_back(std::make_unique<Raw>(port))->send(post(kJsonHeaders, waitBody(child)));
  }
  held.emplace_back(std::make_unique<Raw>(port))
      ->send(chunked(kAciHeaders, {R"({"type":"ATTACH_CONTAINER_INPUT","attach_container_input":{"type":"CONTAINER_ID","container_id":{"value":"term-0","parent":{"value":")" +
                                   kRoot + R"("}}}})"}));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (processesRunning("sleep " + marker).size() < 8 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(processesRunning("sleep " + marker).size(), 8u);
  // One more, killed just before the signal: its exit is seen, its streams not yet ended.
  launch("term-killed", false);
  held.emplace_back(std::make_unique<Raw>(port))->send(post(kJsonHeaders, waitBody("term-killed")));
  {
    Raw k(port);
    k.send(post(kJsonHeaders, R"({"type":"KILL_NESTED_CONTAINER","kill_nested_container":{"container_id":{"value":"term-killed","parent":{"value":")" +
                                  kRoot + R"("}},"signal":9}})"));
    EXPECT_NE(k.response().find("HTTP/1.1 200 OK"), std::string::npos);
  }

  auto started = std::chrono::steady_clock::now();
  int status = agent.stop(std::chrono::seconds(5));
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "wait status " << status;
  EXPECT_LT(took, std::chrono::seconds(3));
  EXPECT_TRUE(processesRunning("sleep " + marker).empty());
}

}  // namespace
}  // namespace airlock::testing
