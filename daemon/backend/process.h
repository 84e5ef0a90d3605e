// The backend seam: a Backend starts a Process for a SessionSpec; the Process
// reports to its ProcessObserver (the Session). The local backend runs host
// processes; the Mesos backend (later) runs nested containers through the
// agent API. Everything here runs on the loop thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "airlock/result.h"

namespace airlock::backend {

enum class OutputStream : uint8_t { kStdout = 0, kStderr = 1 };

// What to run, after the target was resolved and the request validated.
struct SessionSpec {
  std::string target;
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;  // From the client; merged over the target's.
  bool tty = false;
  uint16_t rows = 24;
  uint16_t cols = 80;
  std::string user;                        // Empty: the target's user.
  std::string cwd;
};

class ProcessObserver {
 public:
  virtual ~ProcessObserver() = default;
  // Where the next output of `stream` may be read into; empty = full, and the
  // process stops reading that stream until `Process::resumeOutput()`.
  virtual std::span<char> outputSpace(OutputStream stream) = 0;
  // `bytes` were written into the span last returned by `outputSpace`.
  virtual void onOutput(OutputStream stream, size_t bytes) = 0;
  // `bytes` of queued input reached the process.
  virtual void onInputDelivered(size_t bytes) = 0;
  // The backend lost the process (its agent failed or went away): the
  // session cannot go on and `reason` says why. onProcessEnded still follows
  // (with whatever exit status could be had); the Process ignores terminate()
  // from inside this call.
  virtual void onProcessLost(const std::string& reason) = 0;
  // The process was reaped and its output fully read. Called once; the
  // observer may destroy the Process only after the callback returned.
  virtual void onProcessEnded(int wait_status) = 0;
};

class Process {
 public:
  virtual ~Process() = default;
  virtual int pid() const = 0;
  // Queues input; the caller keeps the queue within its advertised credit.
  virtual void writeInput(std::span<const char> bytes) = 0;
  // Ends input once the queue is drained (pipes: EOF; PTY: the EOF character).
  virtual void closeInput() = 0;
  virtual void resize(uint16_t rows, uint16_t cols) = 0;
  // Output space became available again.
  virtual void resumeOutput() = 0;
  // Hang up now, kill the whole process group after the grace period.
  virtual void terminate() = 0;
  // Whether typed input is echoed right now (a PTY's ECHO flag); nullopt when
  // the backend cannot tell. Input redaction in recordings relies on it.
  virtual std::optional<bool> inputEchoes() const { return std::nullopt; }
};

struct TargetInfo {
  std::string id;
  std::string app_id;
  std::map<std::string, std::string> labels;
  std::string user;
};

// Error::code of a failed target lookup.
enum TargetError : int {
  kUnknownTarget = 1,       // The target does not exist (here, or on the agent).
  kBackendUnavailable = 2,  // Could not ask (the Mesos agent is down or failing).
};

class Backend {
 public:
  using TargetCallback = std::function<void(Result<TargetInfo>)>;

  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;
  // What the backend knows of `target` now, without asking anyone.
  virtual Result<TargetInfo> resolveTarget(const std::string& target) = 0;
  // Resolves `target` for authorization and start, asking the backend's
  // source first when what it knows may be stale (a Mesos task started a
  // second ago must be found). Calls `done` on the loop thread, possibly
  // before returning; errors carry a TargetError code.
  virtual void lookupTarget(const std::string& target, TargetCallback done) {
    done(resolveTarget(target));
  }
  virtual Result<std::unique_ptr<Process>> start(const SessionSpec& spec,
                                                 ProcessObserver& observer) = 0;
  // The last step of the daemon's ordered shutdown: end whatever is left now,
  // without waiting (the sessions were already asked to stop).
  virtual void shutdownNow() {}
};

}  // namespace airlock::backend
