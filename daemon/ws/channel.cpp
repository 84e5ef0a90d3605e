#include "ws/channel.h"

#include <sys/wait.h>
#include <uv.h>

#include <algorithm>
#include <cstring>

#include "frame.h"
#include "ws/client_connection.h"

namespace airlock::ws {
namespace {
using backend::OutputStream;
constexpr OutputStream kStreams[] = {OutputStream::kStdout, OutputStream::kStderr};
constexpr size_t kControlReserve = 64;  // Room for a small control message.
}  // namespace

Channel::Channel(ClientConnection& connection, uint32_t id, uint64_t output_window,
                 uint64_t stdin_window)
    : connection_(connection), id_(id), output_credit_(output_window), stdin_credit_(stdin_window) {}

Channel::~Channel() { detach(); }

void Channel::detach() {
  if (session_ == nullptr) return;
  session::Session* session = std::exchange(session_, nullptr);
  session->removeConsumer(*this);
}

Result<void> Channel::onStdin(std::span<const uint8_t> bytes) {
  if (bytes.size() > stdin_credit_) {
    return Error{"sent " + std::to_string(bytes.size()) + " input bytes with only " +
                     std::to_string(stdin_credit_) + " bytes of credit",
                 v1::CREDIT_EXCEEDED};
  }
  stdin_credit_ -= bytes.size();
  if (echo_since_ns_ == 0 && !bytes.empty()) echo_since_ns_ = uv_hrtime();
  if (session_ != nullptr) {
    session_->writeInput({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
  }
  return {};
}

void Channel::onCredit(uint64_t bytes) {
  bool was_blocked = output_credit_ == 0;
  output_credit_ = std::min<uint64_t>(output_credit_ + bytes, uint64_t{1} << 48);
  if (was_blocked) connection_.markReady(*this);
}

void Channel::notice(const std::string& text) {
  if (session_ == nullptr || !session_->info().spec.tty) return;
  notice_ = "\r\n[" + text + "]\r\n";
  if (output_credit_ >= notice_.size()) connection_.markReady(*this);
}

bool Channel::wantsWrite() const {
  if (session_ == nullptr) return false;
  if (stdin_to_return_ > 0) return true;
  if (!notice_.empty() && output_credit_ >= notice_.size()) return true;
  bool has_output = !session_->readable(*this, OutputStream::kStdout).empty() ||
                    !session_->readable(*this, OutputStream::kStderr).empty();
  if (has_output) return output_credit_ > 0;
  return ended_;  // Only EXIT is left.
}

Channel::Produced Channel::produceFrame(uint8_t* out, size_t max_payload) {
  if (session_ == nullptr) return {};
  if (stdin_to_return_ > 0) {
    v1::Credit credit;
    credit.set_bytes(stdin_to_return_);
    stdin_credit_ += stdin_to_return_;
    stdin_to_return_ = 0;
    std::string frame = proto::encodeFrame(proto::FrameType::kCredit, id_, credit);
    std::memcpy(out, frame.data(), frame.size());
    return {frame.size(), false};
  }
  if (!notice_.empty() && output_credit_ >= notice_.size() && notice_.size() <= max_payload) {
    proto::writeHeader(out, proto::FrameType::kStdout, id_);
    std::memcpy(out + proto::kHeaderBytes, notice_.data(), notice_.size());
    output_credit_ -= notice_.size();
    size_t n = std::exchange(notice_, {}).size();
    return {proto::kHeaderBytes + n, false};
  }
  if (output_credit_ > 0) {
    for (size_t i = 0; i < 2; ++i) {
      OutputStream stream = kStreams[(next_stream_ + i) % 2];
      auto bytes = session_->readable(*this, stream);
      if (bytes.empty()) continue;
      size_t n = std::min<uint64_t>({bytes.size(), max_payload, output_credit_});
      proto::writeHeader(out,
                         stream == OutputStream::kStdout ? proto::FrameType::kStdout
                                                         : proto::FrameType::kStderr,
                         id_);
      std::memcpy(out + proto::kHeaderBytes, bytes.data(), n);
      output_credit_ -= n;
      next_stream_ = (next_stream_ + i + 1) % 2;
      session_->consume(*this, stream, n);
      countOutput(stream, n);
      return {proto::kHeaderBytes + n, false};
    }
  }
  if (ended_ && session_->drainedFor(*this) && max_payload >= kControlReserve) {
    v1::Exit exit;
    exit.set_wait_status(wait_status_);
    if (WIFSIGNALED(wait_status_)) {
      exit.set_signal(WTERMSIG(wait_status_));
      exit.set_exit_code(128 + WTERMSIG(wait_status_));
    } else {
      exit.set_exit_code(WEXITSTATUS(wait_status_));
    }
    std::string frame = proto::encodeFrame(proto::FrameType::kExit, id_, exit);
    std::memcpy(out, frame.data(), frame.size());
    detach();
    return {frame.size(), true};
  }
  return {};
}

void Channel::countOutput(backend::OutputStream stream, size_t bytes) {
  metrics::DaemonMetrics* metrics = connection_.metrics();
  if (metrics == nullptr) return;
  (stream == OutputStream::kStdout ? metrics->stdout_bytes : metrics->stderr_bytes)
      .inc(static_cast<double>(bytes));
  if (echo_since_ns_ != 0) {
    metrics->echo_seconds.observe(static_cast<double>(uv_hrtime() - echo_since_ns_) / 1e9);
    echo_since_ns_ = 0;
  }
}

void Channel::onOutputAvailable() {
  if (output_credit_ > 0) connection_.markReady(*this);
}

void Channel::onSessionEnded(int wait_status) {
  ended_ = true;
  wait_status_ = wait_status;
  connection_.markReady(*this);
}

void Channel::onSessionLost(const std::string& reason) {
  detach();
  connection_.loseChannel(id_, reason);  // Destroys this channel: nothing may follow.
}

void Channel::onInputDelivered(size_t bytes) {
  stdin_to_return_ += bytes;
  connection_.markReady(*this);
}

}  // namespace airlock::ws
