#include "agent/agent_calls.h"

#include "agent/mesos_json.h"

namespace airlock::agent {

using mesos::agent::Call;
using mesos::agent::ProcessIO;

std::string_view mimeOf(ContentType type) {
  return type == ContentType::kJson ? kMimeJson : kMimeProtobuf;
}

std::string encodeMessage(const google::protobuf::Message& message, ContentType type) {
  if (type == ContentType::kJson) return toMesosJson(message);
  return message.SerializeAsString();
}

Result<void> decodeMessage(std::string_view body, ContentType type,
                           google::protobuf::Message& message) {
  if (type == ContentType::kJson) return fromMesosJson(body, message);
  if (!message.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return Error{"Failed to parse body into a protobuf object"};
  }
  return {};
}

mesos::ContainerID containerId(const std::vector<std::string>& chain) {
  mesos::ContainerID id;
  mesos::ContainerID* level = &id;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    level->set_value(*it);
    if (std::next(it) != chain.rend()) level = level->mutable_parent();
  }
  return id;
}

std::vector<std::string> containerChain(const mesos::ContainerID& id) {
  std::vector<std::string> chain;
  for (const mesos::ContainerID* level = &id; level != nullptr;
       level = level->has_parent() ? &level->parent() : nullptr) {
    chain.insert(chain.begin(), level->value());
  }
  return chain;
}

std::string containerIdString(const mesos::ContainerID& id) {
  std::string out;
  for (const auto& part : containerChain(id)) out += (out.empty() ? "" : ".") + part;
  return out;
}

Call launchSessionCall(const mesos::ContainerID& id, const LaunchCommand& command) {
  Call call;
  call.set_type(Call::LAUNCH_NESTED_CONTAINER_SESSION);
  auto* launch = call.mutable_launch_nested_container_session();
  *launch->mutable_container_id() = id;
  auto* cmd = launch->mutable_command();
  for (const auto& [name, value] : command.env) {
    auto* var = cmd->mutable_environment()->add_variables();
    var->set_name(name);
    var->set_type(mesos::Environment::Variable::VALUE);
    var->set_value(value);
  }
  cmd->set_shell(false);
  if (!command.argv.empty()) cmd->set_value(command.argv[0]);
  for (const auto& arg : command.argv) cmd->add_arguments(arg);
  if (!command.user.empty()) cmd->set_user(command.user);
  auto* container = launch->mutable_container();
  container->set_type(mesos::ContainerInfo::MESOS);
  if (command.tty) container->mutable_tty_info();  // Empty: the size comes later.
  return call;
}

Call waitCall(const mesos::ContainerID& id) {
  Call call;
  call.set_type(Call::WAIT_NESTED_CONTAINER);
  *call.mutable_wait_nested_container()->mutable_container_id() = id;
  return call;
}

Call killCall(const mesos::ContainerID& id, int signal) {
  Call call;
  call.set_type(Call::KILL_NESTED_CONTAINER);
  *call.mutable_kill_nested_container()->mutable_container_id() = id;
  call.mutable_kill_nested_container()->set_signal(signal);
  return call;
}

Call removeCall(const mesos::ContainerID& id) {
  Call call;
  call.set_type(Call::REMOVE_NESTED_CONTAINER);
  *call.mutable_remove_nested_container()->mutable_container_id() = id;
  return call;
}

Call getStateCall() {
  Call call;
  call.set_type(Call::GET_STATE);
  return call;
}

Call attachInputFirst(const mesos::ContainerID& id) {
  Call call;
  call.set_type(Call::ATTACH_CONTAINER_INPUT);
  auto* aci = call.mutable_attach_container_input();
  aci->set_type(Call::AttachContainerInput::CONTAINER_ID);
  *aci->mutable_container_id() = id;
  return call;
}

namespace {
Call processIoCall(ProcessIO io) {
  Call call;
  call.set_type(Call::ATTACH_CONTAINER_INPUT);
  auto* aci = call.mutable_attach_container_input();
  aci->set_type(Call::AttachContainerInput::PROCESS_IO);
  *aci->mutable_process_io() = std::move(io);
  return call;
}
}  // namespace

Call stdinRecord(std::string_view bytes) {
  ProcessIO io;
  io.set_type(ProcessIO::DATA);
  io.mutable_data()->set_type(ProcessIO::Data::STDIN);
  io.mutable_data()->set_data(std::string(bytes));  // Present even when empty (EOF).
  return processIoCall(std::move(io));
}

Call ttyInfoRecord(uint32_t rows, uint32_t columns) {
  ProcessIO io;
  io.set_type(ProcessIO::CONTROL);
  io.mutable_control()->set_type(ProcessIO::Control::TTY_INFO);
  auto* size = io.mutable_control()->mutable_tty_info()->mutable_window_size();
  size->set_rows(rows);
  size->set_columns(columns);
  return processIoCall(std::move(io));
}

Call heartbeatRecord(int64_t interval_ns) {
  ProcessIO io = heartbeatOutput(interval_ns);
  return processIoCall(std::move(io));
}

ProcessIO outputRecord(ProcessIO::Data::Type stream, std::string_view bytes) {
  ProcessIO io;
  io.set_type(ProcessIO::DATA);
  io.mutable_data()->set_type(stream);
  io.mutable_data()->set_data(std::string(bytes));
  return io;
}

ProcessIO heartbeatOutput(int64_t interval_ns) {
  ProcessIO io;
  io.set_type(ProcessIO::CONTROL);
  io.mutable_control()->set_type(ProcessIO::Control::HEARTBEAT);
  io.mutable_control()->mutable_heartbeat()->mutable_interval()->set_nanoseconds(interval_ns);
  return io;
}

}  // namespace airlock::agent
