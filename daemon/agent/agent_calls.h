// The agent API calls and records airlockd sends, and the codec of bodies in
// either content type (protobuf by default, or Mesos's JSON). Pure functions
// over the generated Mesos messages (proto/mesos); any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/result.h"
#include "mesos_v1.h"

namespace airlock::agent {

enum class ContentType { kProtobuf, kJson };

inline constexpr std::string_view kMimeJson = "application/json";
inline constexpr std::string_view kMimeProtobuf = "application/x-protobuf";
inline constexpr std::string_view kMimeRecordIo = "application/recordio";

std::string_view mimeOf(ContentType type);

std::string encodeMessage(const google::protobuf::Message& message, ContentType type);
Result<void> decodeMessage(std::string_view body, ContentType type,
                           google::protobuf::Message& message);

// A nested container id: `chain` is root first, the new leaf last.
mesos::ContainerID containerId(const std::vector<std::string>& chain);
std::vector<std::string> containerChain(const mesos::ContainerID& id);
// Mesos's printed form: root first, joined by dots.
std::string containerIdString(const mesos::ContainerID& id);

struct LaunchCommand {
  std::vector<std::string> argv;  // shell=false: value = argv[0], arguments = argv.
  std::map<std::string, std::string> env;
  std::string user;               // Empty: the parent's user.
  bool tty = false;
};
mesos::agent::Call launchSessionCall(const mesos::ContainerID& id, const LaunchCommand& command);
mesos::agent::Call waitCall(const mesos::ContainerID& id);
mesos::agent::Call killCall(const mesos::ContainerID& id, int signal);
mesos::agent::Call removeCall(const mesos::ContainerID& id);
mesos::agent::Call getStateCall();

// ATTACH_CONTAINER_INPUT records: the first one names the container.
mesos::agent::Call attachInputFirst(const mesos::ContainerID& id);
mesos::agent::Call stdinRecord(std::string_view bytes);  // Empty = EOF (field present).
mesos::agent::Call ttyInfoRecord(uint32_t rows, uint32_t columns);
mesos::agent::Call heartbeatRecord(int64_t interval_ns);

// Server-side ProcessIO records (the emulator's output streams).
mesos::agent::ProcessIO outputRecord(mesos::agent::ProcessIO::Data::Type stream,
                                     std::string_view bytes);
mesos::agent::ProcessIO heartbeatOutput(int64_t interval_ns);

}  // namespace airlock::agent
