// NestedContainer: one LAUNCH_NESTED_CONTAINER_SESSION of the agent emulator,
// a real process on a real PTY (cooked, echo, controlling terminal of a new
// session, starting at 0x0) or on three pipes, with its "I/O switchboard":
// output fanned out to every attached output stream as RecordIO ProcessIO
// records, heartbeats, stdin from one ATTACH_CONTAINER_INPUT at a time, and
// the raw wait status kept for WAIT. Output is read only while every output
// stream has drained below a bound, so a paused client stalls the process.
// Owned (shared) by the Agent and the requests using it; loop thread only.
#pragma once

#include <sys/types.h>
#include <uv.h>

#include <functional>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/agent_calls.h"
#include "http_server.h"

namespace airlock::emulator {

class NestedContainer {
 public:
  struct Launch {
    mesos::ContainerID id;
    mesos::CommandInfo command;
    bool tty = false;
    std::vector<std::string> base_env;  // The parent's environment, NAME=value.
    std::string cwd;
    uint32_t heartbeat_ms = 30000;
  };

  NestedContainer(uv_loop_t* loop, Launch launch);
  ~NestedContainer();
  NestedContainer(const NestedContainer&) = delete;
  NestedContainer& operator=(const NestedContainer&) = delete;

  // Forks and execs. An exec failure is the child's business (it prints
  // `Failed to execute ...` and exits 1), as in Mesos.
  bool start(std::string& error);
  pid_t pid() const { return pid_; }
  bool tty() const { return tty_; }
  const mesos::ContainerID& id() const { return id_; }
  std::string idString() const { return agent::containerIdString(id_); }

  // Output streams. The first one (the launch connection) starts the reads,
  // so no early output is lost; later ones see only what comes after.
  void addOutput(HttpConnection& conn, agent::ContentType type, bool launch_connection);
  // The stream's connection went away. The launch connection going away kills
  // the session (SIGKILL to its process group).
  void outputClosed(HttpConnection& conn);

  // Input (one ACI at a time).
  bool inputAttached() const { return input_attached_; }
  void setInputAttached(bool attached) { input_attached_ = attached; }
  bool writeStdin(std::string_view bytes, std::string& error);
  void closeStdin();
  bool setWindowSize(uint32_t rows, uint32_t columns, std::string& error);

  bool sendSignal(int signal);
  bool terminated() const { return wait_status_.has_value() && ended_; }
  int waitStatus() const { return *wait_status_; }
  // Called once when the session ended (exit seen and output drained).
  void onEnded(std::function<void()> fn) { on_ended_.push_back(std::move(fn)); }

  // From the Agent's SIGCHLD handler.
  void onExit(int wait_status);
  // The agent shuts down: SIGKILL the session's process group, reap it, and
  // end it now (every stream ends, every onEnded callback runs and is
  // dropped, every timer closes), so nothing keeps the loop alive.
  void destroy();

 private:
  struct Output {
    HttpConnection* conn;
    agent::ContentType type;
  };
  struct Fd {
    int fd = -1;
    uv_poll_t* poll = nullptr;  // `data` is the container.
    int events = 0;
    mesos::agent::ProcessIO::Data::Type stream{};
  };
  static constexpr size_t kHighWater = 1 << 20;

  void openFd(Fd& fd, int raw, mesos::agent::ProcessIO::Data::Type stream);
  void closeFd(Fd& fd);
  void updatePolls();
  void onReadable(mesos::agent::ProcessIO::Data::Type stream);
  // One read; true when it produced a record (more may follow).
  bool readOnce(mesos::agent::ProcessIO::Data::Type stream);
  // Reads until every output would block or ended.
  void drainReadable();
  void onStdinWritable();
  void broadcast(const mesos::agent::ProcessIO& record);
  bool backpressured() const;
  void maybeEnd();
  void finish();
  void killGroup();

  uv_loop_t* loop_;
  mesos::ContainerID id_;
  Launch launch_;
  bool tty_;
  pid_t pid_ = -1;
  Fd pty_;
  Fd out_;
  Fd err_;
  Fd in_;
  bool reading_started_ = false;
  bool out_eof_ = false;
  bool err_eof_ = false;
  bool stdin_closed_ = false;
  std::string stdin_queue_;
  std::list<Output> outputs_;
  HttpConnection* launch_conn_ = nullptr;
  bool input_attached_ = false;
  std::optional<int> wait_status_;
  bool ended_ = false;
  uv_timer_t* heartbeat_ = nullptr;
  uv_timer_t* drain_ = nullptr;
  std::vector<std::function<void()>> on_ended_;
};

}  // namespace airlock::emulator
