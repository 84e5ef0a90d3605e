#include "client/cli/exec_session.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "client/cli/exit_codes.h"
#include "client/cli/raw_terminal.h"

namespace airlock::client {
namespace {

constexpr const char* kDefaultTerm = "xterm-256color";
constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

void printError(const std::string& message) {
  // In raw mode "\n" alone does not return the carriage.
  std::fprintf(stderr, "airlock: %s\r\n", message.c_str());
}

}  // namespace

ExecSession::ExecSession(uv_loop_t* loop, ExecOptions options, bool tty)
    : loop_(loop), options_(std::move(options)), tty_(tty) {}

v1::Open ExecSession::buildOpen() const {
  v1::Open open;
  if (!options_.watch_session.empty()) {
    open.set_watch_session(options_.watch_session);
    return open;
  }
  open.set_target(options_.target);
  for (const auto& arg : options_.argv) open.add_argv(arg);
  open.set_user(options_.user);
  open.set_delegation(options_.delegation);
  open.set_tty(tty_);
  // Without -i the remote stdin is closed at once: the session needs (and is
  // authorized as) `exec`, not `exec-stdin`.
  open.set_no_stdin(!options_.interactive);
  if (tty_) {
    const char* term = std::getenv("TERM");
    (*open.mutable_env())["TERM"] = term != nullptr && *term != '\0' ? term : kDefaultTerm;
    if (auto size = terminalSize(STDIN_FILENO); size && size->rows > 0 && size->cols > 0) {
      open.set_rows(size->rows);
      open.set_cols(size->cols);
    }
  }
  for (const auto& [name, value] : options_.env) (*open.mutable_env())[name] = value;
  return open;
}

Result<void> ExecSession::start(Connection& connection) {
  connection_ = &connection;
  if (auto signals = startSignals(); !signals) return signals;
  if (auto stdio = startStdio(); !stdio) return stdio;
  auto channel = connection.openChannel(buildOpen(), *this);
  if (!channel) return channel.error();
  channel_ = *channel;
  channel_live_ = true;
  return {};
}

Result<void> ExecSession::startSignals() {
  std::vector<int> signums(std::begin(kStopSignals), std::end(kStopSignals));
  if (tty_) signums.push_back(SIGWINCH);
  for (int signum : signums) {
    auto handle =
        UvHandle<uv_signal_t>::create([&](uv_signal_t* h) { return uv_signal_init(loop_, h); }, this);
    if (!handle) return Error{"cannot watch signals: " + handle.error().message};
    uv_signal_start(handle->get(), onUvSignal, signum);
    signals_.push_back(std::move(*handle));
  }
  return {};
}

Result<void> ExecSession::startStdio() {
  FdWriter::Callbacks out{[this](size_t n) { onOutputWritten(n); },
                          [this](const Error& e) { onOutputError(e); }};
  auto out_writer = FdWriter::create(loop_, STDOUT_FILENO, out);
  if (!out_writer) return out_writer.error();
  stdout_ = std::move(*out_writer);
  auto err_writer = FdWriter::create(loop_, STDERR_FILENO, out);
  if (!err_writer) return err_writer.error();
  stderr_ = std::move(*err_writer);
  if (!options_.interactive) return {};
  FdReader::Callbacks in{[this](std::span<const uint8_t> d) { onStdinData(d); },
                         [this] { onStdinEof(); },
                         [this](const Error& e) {
                           printError(e.message);
                           onStdinEof();
                         }};
  auto reader = FdReader::create(loop_, STDIN_FILENO, std::move(in));
  if (!reader) return reader.error();
  stdin_ = std::move(*reader);
  return {};
}

// Signals ----------------------------------------------------------------------

void ExecSession::onUvSignal(uv_signal_t* handle, int signum) {
  if (auto* self = static_cast<ExecSession*>(handle->data)) self->onSignal(signum);
}

void ExecSession::onSignal(int signum) {
  if (signum == SIGWINCH) {
    sendWindowSize();
    return;
  }
  // The daemon ends the session (SIGHUP, then SIGKILL) when it sees CLOSE.
  if (channel_live_) {
    channel_live_ = false;
    (void)connection_->closeChannel(channel_);
  }
  finish(128 + signum, "");
  // Do not wait for output to drain: the user asked us to stop.
  connection_->close();
}

void ExecSession::sendWindowSize() {
  if (!channel_live_) return;
  auto size = terminalSize(STDIN_FILENO);
  if (!size || size->rows == 0 || size->cols == 0) return;
  if (auto sent = connection_->resize(channel_, size->rows, size->cols); !sent) {
    printError("cannot resize the remote terminal: " + sent.error().message);
  }
}

// Stdin ------------------------------------------------------------------------

void ExecSession::onStdinData(std::span<const uint8_t> data) {
  stdin_pending_.append(reinterpret_cast<const char*>(data.data()), data.size());
  pumpStdin();
}

void ExecSession::pumpStdin() {
  if (!channel_live_) return;
  if (!stdin_pending_.empty()) {
    auto bytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(stdin_pending_.data()),
                                          stdin_pending_.size());
    stdin_pending_.erase(0, connection_->sendStdin(channel_, bytes));
  }
  if (!stdin_pending_.empty()) {
    stdin_->pause();  // Out of credit (or outbox space): stop reading.
    return;
  }
  if (stdin_eof_) {
    (void)connection_->closeStdin(channel_);
    return;
  }
  if (connection_->stdinCredit(channel_) > 0) {
    stdin_->resume();
  } else {
    stdin_->pause();
  }
}

void ExecSession::onStdinEof() {
  stdin_eof_ = true;
  pumpStdin();
}

// Channel events -----------------------------------------------------------------

void ExecSession::onOpened(uint32_t channel, const v1::Opened& opened) {
  (void)opened;
  // Without -i the remote stdin ends at once. (With -i, stdin starts flowing
  // with the first `onCredit`, which follows.) Sent only now, so a refused
  // OPEN is not followed by a frame for a channel the daemon never opened.
  if (!options_.interactive && options_.watch_session.empty()) (void)connection_->closeStdin(channel);
}

Consume ExecSession::onStdout(uint32_t channel, std::span<const uint8_t> data) {
  (void)channel;
  stdout_->write(data);
  return Consume::kHeld;  // Acknowledged from `onOutputWritten`.
}

Consume ExecSession::onStderr(uint32_t channel, std::span<const uint8_t> data) {
  (void)channel;
  stderr_->write(data);
  return Consume::kHeld;
}

void ExecSession::onCredit(uint32_t channel, uint64_t available) {
  (void)channel;
  (void)available;
  if (stdin_) pumpStdin();
}

void ExecSession::onExit(uint32_t channel, const v1::Exit& exit) {
  (void)channel;
  channel_live_ = false;
  finish(exit.exit_code(), "");
}

void ExecSession::onError(uint32_t channel, const Error& error) {
  (void)channel;
  channel_live_ = false;
  finish(kExitDaemonError, error.message);
}

void ExecSession::onDisconnected(const Result<void>& reason) {
  if (!reason && !exit_code_) finish(kExitDaemonError, reason.error().message);
  if (!exit_code_) exit_code_ = kExitDaemonError;
  uv_stop(loop_);
}

// Output -------------------------------------------------------------------------

void ExecSession::onOutputWritten(size_t bytes) {
  if (channel_live_) connection_->acknowledge(channel_, bytes);
  if (exit_code_) closeWhenFlushed();
}

void ExecSession::onOutputError(const Error& error) {
  if (channel_live_) {
    channel_live_ = false;
    (void)connection_->closeChannel(channel_);
  }
  // A closed pipe (`airlock exec ... | head`) ends us quietly, like SIGPIPE would.
  if (error.code == EPIPE) {
    finish(128 + SIGPIPE, "");
  } else {
    finish(kExitDaemonError, error.message);
  }
}

// Shutdown -----------------------------------------------------------------------

void ExecSession::finish(int code, const std::string& message) {
  if (exit_code_) return;
  exit_code_ = code;
  if (!message.empty()) printError(message);
  if (stdin_) stdin_->pause();
  closeWhenFlushed();
}

void ExecSession::closeWhenFlushed() {
  // Output already received is written before we go (EXIT follows all of it).
  bool flushed = (!stdout_ || stdout_->idle()) && (!stderr_ || stderr_->idle());
  if (flushed || *exit_code_ == 128 + SIGPIPE) connection_->close();
}

}  // namespace airlock::client
