// `airlock exec`: one remote command wired to the local stdio.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <uv.h>

#include "client/channel_handler.h"
#include "client/cli/cli_options.h"
#include "client/cli/fd_reader.h"
#include "client/cli/fd_writer.h"
#include "airlock/uv_handle.h"
#include "client/connection.h"
#include "client/connection_observer.h"

namespace airlock::client {

// Runs one exec: opens the channel, forwards stdin within the STDIN credit
// (-i), writes STDOUT/STDERR to fds 1/2 and re-grants output credit only once
// bytes reached them, sends RESIZE on SIGWINCH (-t), and turns SIGINT,
// SIGTERM, SIGHUP and SIGQUIT into an orderly exit. When done it closes the
// connection and stops the loop; `exitCode()` is then the remote exit code,
// `kExitDaemonError`, or 128+signal. Created by `main` together with the
// `Connection`, whose observer it is; loop thread only.
class ExecSession : public ChannelHandler, public ConnectionObserver {
 public:
  // `tty`: the session gets a PTY (the caller decided -t is usable).
  ExecSession(uv_loop_t* loop, ExecOptions options, bool tty);

  // Opens the channel on `connection` and starts watching signals and stdio.
  Result<void> start(Connection& connection);
  int exitCode() const { return exit_code_.value_or(kInternalErrorCode); }

  // ChannelHandler
  void onOpened(uint32_t channel, const v1::Opened& opened) override;
  Consume onStdout(uint32_t channel, std::span<const uint8_t> data) override;
  Consume onStderr(uint32_t channel, std::span<const uint8_t> data) override;
  void onCredit(uint32_t channel, uint64_t available) override;
  void onExit(uint32_t channel, const v1::Exit& exit) override;
  void onError(uint32_t channel, const Error& error) override;

  // ConnectionObserver
  void onDisconnected(const Result<void>& reason) override;

 private:
  static constexpr int kInternalErrorCode = 125;

  v1::Open buildOpen() const;
  Result<void> startSignals();
  Result<void> startStdio();
  static void onUvSignal(uv_signal_t* handle, int signum);
  void onSignal(int signum);
  void sendWindowSize();
  void onStdinData(std::span<const uint8_t> data);
  void pumpStdin();
  void onStdinEof();
  void onOutputWritten(size_t bytes);
  void onOutputError(const Error& error);
  // Records the outcome (first one wins) and starts shutting down.
  void finish(int code, const std::string& message);
  void closeWhenFlushed();

  uv_loop_t* loop_;
  ExecOptions options_;
  bool tty_;
  Connection* connection_ = nullptr;
  uint32_t channel_ = 0;
  bool channel_live_ = false;
  std::optional<int> exit_code_;
  std::vector<UvHandle<uv_signal_t>> signals_;
  std::unique_ptr<FdReader> stdin_;
  std::unique_ptr<FdWriter> stdout_;
  std::unique_ptr<FdWriter> stderr_;
  std::string stdin_pending_;  // Read but not yet taken by `sendStdin`.
  bool stdin_eof_ = false;
};

}  // namespace airlock::client
