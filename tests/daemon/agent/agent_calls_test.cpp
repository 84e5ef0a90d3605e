// The client codec against the spec's test vectors (section 6): exact JSON
// bytes in Mesos's field order, exact protobuf bytes, RecordIO lengths.
#include "agent/agent_calls.h"

#include <gtest/gtest.h>

#include "agent/mesos_json.h"
#include "agent/recordio.h"
#include "mesos_vectors.h"

namespace airlock::agent {
namespace {

using namespace airlock::testing::vectors;
using mesos::agent::Call;
using mesos::agent::ProcessIO;
using mesos::agent::Response;

mesos::ContainerID nested() { return containerId({kParent, kChild}); }

std::string json(const google::protobuf::Message& m) { return encodeMessage(m, ContentType::kJson); }
std::string pb(const google::protobuf::Message& m) { return encodeMessage(m, ContentType::kProtobuf); }

TEST(AgentCallsTest, V1AttachInputFirstRecord) {
  Call call = attachInputFirst(nested());
  EXPECT_EQ(json(call), kV1Json);
  EXPECT_EQ(kV1Json.size(), 204u);
  EXPECT_EQ(encodeRecord(json(call)).substr(0, 4), "204\n");
  std::string expected = hex("08 12 52 52 08 01 12 4e 0a 24") + kChild + hex("12 26 0a 24") + kParent;
  EXPECT_EQ(pb(call), expected);
  EXPECT_EQ(pb(call).size(), 86u);
  EXPECT_EQ(encodeRecord(pb(call)).substr(0, 3), "86\n");
}

TEST(AgentCallsTest, V2StdinData) {
  EXPECT_EQ(json(stdinRecord("ls\n")), kV2Json);
  EXPECT_EQ(encodeRecord(kV2Json).substr(0, 4), "147\n");
  EXPECT_EQ(pb(stdinRecord("ls\n")), hex("08 12 52 0f 08 02 1a 0b 08 01 12 07 08 01 12 03 6c 73 0a"));
}

TEST(AgentCallsTest, V3StdinEofKeepsTheEmptyDataField) {
  EXPECT_EQ(json(stdinRecord("")), kV3Json);
  EXPECT_EQ(kV3Json.size(), 143u);
  EXPECT_EQ(pb(stdinRecord("")), hex("08 12 52 0c 08 02 1a 08 08 01 12 04 08 01 12 00"));
}

TEST(AgentCallsTest, V4Resize) {
  EXPECT_EQ(json(ttyInfoRecord(24, 80)), kV4Json);
  EXPECT_EQ(kV4Json.size(), 194u);
  EXPECT_EQ(pb(ttyInfoRecord(24, 80)),
            hex("08 12 52 12 08 02 1a 0e 08 02 1a 0a 08 01 12 06 0a 04 08 18 10 50"));
}

TEST(AgentCallsTest, V5ClientHeartbeat) {
  EXPECT_EQ(json(heartbeatRecord(30000000000)), kV5Json);
  EXPECT_EQ(kV5Json.size(), 196u);
  EXPECT_EQ(pb(heartbeatRecord(30000000000)),
            hex("08 12 52 14 08 02 1a 10 08 02 1a 0c 08 02 1a 08 0a 06 08 80 d8 8e e1 6f"));
}

TEST(AgentCallsTest, V6AndV7ServerRecordsDecode) {
  for (auto type : {ContentType::kJson, ContentType::kProtobuf}) {
    std::string body = type == ContentType::kJson ? kV6Json : hex("08 01 12 0a 08 02 12 06 68 65 6c 6c 6f 0a");
    ProcessIO io;
    ASSERT_TRUE(decodeMessage(body, type, io).ok());
    EXPECT_EQ(io.type(), ProcessIO::DATA);
    EXPECT_EQ(io.data().type(), ProcessIO::Data::STDOUT);
    EXPECT_EQ(io.data().data(), "hello\n");
    EXPECT_EQ(encodeMessage(outputRecord(ProcessIO::Data::STDOUT, "hello\n"), type), body);
  }
  EXPECT_EQ(encodeRecord(kV6Json).size(), 0x3du);
  EXPECT_EQ(json(heartbeatOutput(30000000000)), kV7Json);
  EXPECT_EQ(pb(heartbeatOutput(30000000000)), hex("08 02 1a 0c 08 02 1a 08 0a 06 08 80 d8 8e e1 6f"));
}

TEST(AgentCallsTest, V8DocsLaunchBodyParses) {
  Call call;
  ASSERT_TRUE(decodeMessage(kV8Json, ContentType::kJson, call).ok());
  EXPECT_EQ(kV8Json.size(), 432u);
  const auto& launch = call.launch_nested_container_session();
  EXPECT_EQ(containerChain(launch.container_id()).size(), 3u);
  EXPECT_EQ(containerIdString(launch.container_id()),
            "bde04877-cb26-4277-976e-3ecf0c02e76b.134bae93-cf5c-4938-87bf-f779bfcd0092."
            "e193a755-8528-4673-a05b-2cc2a01a8b94");
  EXPECT_TRUE(launch.command().shell());
  EXPECT_EQ(launch.command().environment().variables(0).value(), "env_var_value");
  auto text = base64DecodeLenient("TW9uIEZlYiAyNyAwNzozOTozOCBVVEMgMjAxNwo=");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "Mon Feb 27 07:39:38 UTC 2017\n");
}

TEST(AgentCallsTest, V9PtyLaunch) {
  Call call = launchSessionCall(nested(), {{"bash"}, {{"TERM", "xterm"}}, "", true});
  EXPECT_EQ(json(call), kV9Json);
  EXPECT_EQ(kV9Json.size(), 382u);
  EXPECT_EQ(pb(call).size(), 125u);
  EXPECT_EQ(pb(call).substr(0, 4), hex("08 11 4a 79"));
}

TEST(AgentCallsTest, V10WaitAndItsResponses) {
  EXPECT_EQ(json(waitCall(nested())), kV10CallJson);
  EXPECT_EQ(kV10CallJson.size(), 180u);
  EXPECT_EQ(pb(waitCall(nested())).substr(0, 6), hex("08 0f 3a 50 0a 4e"));
  struct Case { std::string json; std::string pb; int status; };
  for (const auto& c : {Case{kV10Exit0Json, hex("08 0d 72 02 08 00"), 0},
                        Case{kV10Exit1Json, hex("08 0d 72 03 08 80 02"), 256},
                        Case{kV10Kill9Json, hex("08 0d 72 02 08 09"), 9}}) {
    Response r;
    ASSERT_TRUE(decodeMessage(c.json, ContentType::kJson, r).ok());
    EXPECT_EQ(r.wait_nested_container().exit_status(), c.status);
    EXPECT_EQ(json(r), c.json);
    EXPECT_EQ(pb(r), c.pb);
  }
}

TEST(AgentCallsTest, V11KillAndV12GetState) {
  EXPECT_EQ(json(killCall(nested(), 15)), kV11Json);
  EXPECT_EQ(kV11Json.size(), 192u);
  std::string bytes = pb(killCall(nested(), 15));
  EXPECT_EQ(bytes.substr(bytes.size() - 2), hex("10 0f"));
  EXPECT_EQ(json(getStateCall()), kV12Json);
}

TEST(MesosJsonTest, ParsingRules) {
  Call call;
  // Unknown fields ignored, null is unset, int64 from a string.
  ASSERT_TRUE(fromMesosJson(R"({"type":"ATTACH_CONTAINER_INPUT","bogus":1,"attach_container_input":{"type":"PROCESS_IO","container_id":null,"process_io":{"type":"CONTROL","control":{"type":"HEARTBEAT","heartbeat":{"interval":{"nanoseconds":"30000000000"}}}}}})", call).ok());
  EXPECT_EQ(call.attach_container_input().process_io().control().heartbeat().interval().nanoseconds(),
            30000000000);
  EXPECT_FALSE(call.attach_container_input().has_container_id());
  // Enums by name only.
  EXPECT_FALSE(fromMesosJson(R"({"type":18})", call).ok());
  // An unknown name on an optional enum leaves it unset.
  ASSERT_TRUE(fromMesosJson(R"({"type":"NO_SUCH_CALL"})", call).ok());
  EXPECT_FALSE(call.has_type());
  // Lenient base64: unpadded, whitespace skipped; anything else is an error.
  ProcessIO io;
  ASSERT_TRUE(fromMesosJson(R"({"type":"DATA","data":{"type":"STDOUT","data":"aGVs bG8K"}})", io).ok());
  EXPECT_EQ(io.data().data(), "hello\n");
  ASSERT_TRUE(fromMesosJson(R"({"type":"DATA","data":{"type":"STDOUT","data":"aGk"}})", io).ok());
  EXPECT_EQ(io.data().data(), "hi");
  auto bad = fromMesosJson(R"({"type":"DATA","data":{"type":"STDOUT","data":"a*b"}})", io);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("Failed to base64 decode bytes field 'data'"), std::string::npos);
  // Required fields.
  mesos::ContainerID id;
  auto missing = fromMesosJson(R"({"parent":{"value":"x"}})", id);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "Missing required fields: value");
  EXPECT_FALSE(fromMesosJson("{not json", id).ok());
}

}  // namespace
}  // namespace airlock::agent
