// LocalProcess: one session process on this host, on a PTY or on pipes.
//
// Reads output straight into the observer's buffer, and only while it has
// room (the flow-control stop: a full buffer means the PTY is not read and
// the process blocks). Writes queued input when the fd is writable. The
// process has ended when it was reaped and every output stream reached EOF
// (PTY: EIO), so output written just before exit is never lost. Owned by its
// Session; loop thread only.
#pragma once

#include <sys/types.h>
#include <uv.h>

#include <array>
#include <optional>
#include <string>

#include "backend/child_reaper.h"
#include "backend/group_killer.h"
#include "backend/polled_fd.h"
#include "backend/process.h"
#include "backend/spawn.h"
#include "loop/timer.h"

namespace airlock::backend {

class LocalProcess final : public Process {
 public:
  LocalProcess(uv_loop_t* loop, ChildReaper& reaper, GroupKiller& killer,
               ProcessObserver& observer, uint32_t exit_drain_ms);
  ~LocalProcess() override;

  // Takes the spawned process's descriptors and starts watching them.
  void attach(const SpawnedProcess& spawned, bool tty);

  // Process
  int pid() const override { return pid_; }
  void writeInput(std::span<const char> bytes) override;
  void closeInput() override;
  void resize(uint16_t rows, uint16_t cols) override;
  void resumeOutput() override;
  void terminate() override;
  std::optional<bool> inputEchoes() const override;

 private:
  static constexpr size_t kMaxReadBytes = 64 * 1024;
  // One read per wake-up: a busy PTY takes at most 64 KiB per loop turn, so
  // other sessions (and keystroke echoes) get their turn soon.
  static constexpr int kReadsPerWakeup = 1;

  PolledFd& outputFd(OutputStream stream);
  PolledFd& inputFd() { return tty_ ? pty_ : stdin_; }
  void onOutputEvent(OutputStream stream, int status);
  void onInputEvent(int status);
  void readOutput(OutputStream stream);
  void flushInput();
  void finishInputIfDrained();
  void onExit(int wait_status);
  void onDrainTimeout();
  void endStream(OutputStream stream);
  void updateWatch();
  void maybeEnd();

  uv_loop_t* loop_;
  ChildReaper& reaper_;
  GroupKiller& killer_;
  ProcessObserver& observer_;
  uint32_t exit_drain_ms_;
  pid_t pid_ = -1;
  bool tty_ = false;
  PolledFd pty_;
  PolledFd stdin_;
  PolledFd stdout_;
  PolledFd stderr_;
  std::array<bool, 2> eof_ = {false, false};
  std::array<bool, 2> paused_ = {false, false};
  std::string input_;
  bool input_closing_ = false;
  bool input_closed_ = false;
  std::optional<int> wait_status_;
  bool ended_ = false;
  loop::Timer drain_timer_;
};

}  // namespace airlock::backend
