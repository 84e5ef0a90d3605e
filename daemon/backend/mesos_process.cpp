#include "backend/mesos_process.h"

#include "util/uuid.h"

#include <sys/random.h>

#include <csignal>
#include <cstdio>
#include <cstring>

#include <spdlog/spdlog.h>

#include "backend/mesos_backend.h"

namespace airlock::backend {
namespace {

using mesos::agent::ProcessIO;

constexpr size_t kStdout = 0;
constexpr size_t kStderr = 1;


}  // namespace

class MesosProcess::LaunchListener final : public agent::AgentRequest::Listener {
 public:
  explicit LaunchListener(MesosProcess& p) : p_(p) {}
  void onResponseHead(long status, const std::string& ct, const std::string& mct) override {
    p_.onLaunchHead(status, ct, mct);
  }
  size_t onResponseData(std::string_view bytes) override { return p_.onLaunchData(bytes); }
  void onDone(CURLcode code, long status) override { p_.onLaunchDone(code, status); }

 private:
  MesosProcess& p_;
};

class MesosProcess::InputListener final : public agent::AgentRequest::Listener {
 public:
  explicit InputListener(MesosProcess& p) : p_(p) {}
  size_t onResponseData(std::string_view bytes) override {
    body_.append(bytes.substr(0, std::min<size_t>(bytes.size(), 1024 - std::min<size_t>(body_.size(), 1024))));
    return bytes.size();
  }
  size_t onUploadRead(char* buf, size_t size) override { return p_.onUploadRead(buf, size); }
  void onDone(CURLcode code, long status) override { p_.onInputDone(code, status); }
  std::string body_;

 private:
  MesosProcess& p_;
};

MesosProcess::MesosProcess(MesosBackend& backend, const SessionSpec& spec, ProcessObserver& observer)
    : backend_(backend),
      spec_(spec),
      observer_(observer),
      type_(backend.client().endpoint().content_type),
      resume_timer_(backend.loop(), [this] {
        if (receive_paused_ && launch_ && pending_[0].empty() && pending_[1].empty()) {
          receive_paused_ = false;
          launch_->resumeReceive();
        }
        if (upload_paused_ && input_ && !upload_.empty()) {
          upload_paused_ = false;
          input_->resumeUpload();
        }
      }),
      head_timer_(backend.loop(), [this] { fail("the agent did not start the session in time"); }),
      heartbeat_timer_(backend.loop(), [this] {
        queueRecord(agent::heartbeatRecord(int64_t(backend_.agentConfig().heartbeat_interval_ms) * 1000000));
      }) {
  if (spec_.tty) size_ = std::make_pair(spec_.rows, spec_.cols);
}

MesosProcess::~MesosProcess() {
  *alive_ = false;
  // Closing the launch connection (if still open) makes the agent kill the
  // session: nothing outlives us.
  input_.reset();
  launch_.reset();
}

void MesosProcess::begin() {
  tag_ = "task " + spec_.target;
  std::weak_ptr<bool> alive = alive_;
  backend_.tasks().resolve(spec_.target, [this, alive](Result<agent::ResolvedTask> task) {
    if (alive.expired() || state_ != State::kResolving) return;
    if (!task) return fail(task.error().message);
    launch(*task);
  });
}

void MesosProcess::launch(const agent::ResolvedTask& task) {
  state_ = State::kLaunching;
  container_.set_value(util::newUuid4());
  *container_.mutable_parent() = task.container;
  tag_ = agent::containerIdString(container_);
  agent::LaunchCommand command;
  command.argv = spec_.argv;
  command.env = spec_.env;
  if (spec_.tty && !command.env.contains("TERM")) command.env["TERM"] = "xterm";
  command.user = spec_.user;
  command.tty = spec_.tty;
  spdlog::info("nested container {}: launching for task {} (tty={})", tag_, task.id, spec_.tty);
  launch_listener_ = std::make_unique<LaunchListener>(*this);
  launch_ = std::make_unique<agent::AgentRequest>(
      backend_.client().multi(), backend_.client().endpoint(), agent::RequestKind::kOutputStream,
      agent::encodeMessage(agent::launchSessionCall(container_, command), type_), *launch_listener_, 0);
  head_timer_.start(backend_.agentConfig().request_timeout_ms);
  launch_->start();
}

void MesosProcess::onLaunchHead(long status, const std::string& content_type, const std::string& mct) {
  launch_status_ = status;
  head_timer_.stop();
  spdlog::debug("nested container {}: launch answered {} ({} / {})", tag_, status, content_type, mct);
  if (status != 200) return;  // The body is the error text; reported when the transfer ends.
  std::string expected(agent::mimeOf(type_));
  bool streaming = content_type == agent::kMimeRecordIo && mct == expected;
  bool legacy = content_type == expected && mct.empty();  // Still RecordIO framed.
  if (!streaming && !legacy) {
    spdlog::warn("nested container {}: unexpected stream content type '{}' / '{}'", tag_, content_type, mct);
  }
  state_ = State::kRunning;
  openInput();
}

size_t MesosProcess::onLaunchData(std::string_view bytes) {
  if (launch_status_ != 200) {
    if (error_body_.size() < 1024) error_body_.append(bytes.substr(0, 1024 - error_body_.size()));
    return bytes.size();
  }
  if (!pending_[kStdout].empty() || !pending_[kStderr].empty()) {
    receive_paused_ = true;  // Curl keeps these bytes and offers them again.
    return CURL_WRITEFUNC_PAUSE;
  }
  bool ok = decoder_.feed(bytes, [&](std::string_view record) {
    ProcessIO io;
    if (auto r = agent::decodeMessage(record, type_, io); !r) {
      spdlog::warn("nested container {}: undecodable record: {}", tag_, r.error().message);
      return;
    }
    if (io.type() != ProcessIO::DATA) return;  // Heartbeats and other control records.
    if (io.data().type() == ProcessIO::Data::STDOUT) pending_[kStdout].append(io.data().data());
    if (io.data().type() == ProcessIO::Data::STDERR) pending_[kStderr].append(io.data().data());
  });
  if (!ok) {
    // Keep what decoded; the stream is broken (spec 2.3: treat as a disconnect).
    std::weak_ptr<bool> alive = alive_;
    deliverPending();
    if (!alive.expired()) fail("broken agent stream: " + decoder_.error());
    return bytes.size();
  }
  deliverPending();
  return bytes.size();
}

void MesosProcess::deliverPending() {
  for (size_t i : {kStdout, kStderr}) {
    auto stream = static_cast<OutputStream>(i);
    while (!pending_[i].empty()) {
      std::span<char> space = observer_.outputSpace(stream);
      if (space.empty()) break;
      size_t n = std::min(space.size(), pending_[i].size());
      std::memcpy(space.data(), pending_[i].data(), n);
      pending_[i].erase(0, n);
      observer_.onOutput(stream, n);
    }
  }
}

void MesosProcess::resumeOutput() {
  deliverPending();
  if (pending_[kStdout].empty() && pending_[kStderr].empty()) {
    if (receive_paused_) scheduleResume();
    maybeWait();
  }
}

void MesosProcess::scheduleResume() {
  // Never resume curl from inside the observer's call stack: curl may call
  // back at once.
  if (!resume_timer_.active()) resume_timer_.start(0);
}

void MesosProcess::onLaunchDone(CURLcode code, long status) {
  head_timer_.stop();
  if (state_ == State::kEnded) return;
  if (code != CURLE_OK || status != 200) {
    std::string why = agent::describeFailure(backend_.client().endpoint(), code, status, error_body_);
    if (status == 200) why = "the agent closed the session stream: " + why;
    return fail(why);
  }
  if (!decoder_.atBoundary()) spdlog::warn("nested container {}: stream ended inside a record", tag_);
  output_done_ = true;
  state_ = State::kDraining;
  maybeWait();
}

void MesosProcess::maybeWait() {
  if (state_ != State::kDraining || !pending_[kStdout].empty() || !pending_[kStderr].empty()) return;
  wait();
}

void MesosProcess::wait() {
  state_ = State::kWaiting;
  heartbeat_timer_.stop();
  std::weak_ptr<bool> alive = alive_;
  backend_.client().call(agent::waitCall(container_), [this, alive](Result<agent::Reply> reply) {
    if (alive.expired() || state_ == State::kEnded) return;
    if (reply && reply->status == 200) {
      mesos::agent::Response r;
      if (agent::decodeMessage(reply->body, type_, r).ok() && r.wait_nested_container().has_exit_status()) {
        return end(r.wait_nested_container().exit_status());
      }
    }
    if (reply && reply->status == 404) {
      // Spec 4.2.7: some agents forget a finished session; the exit is unknown.
      spdlog::warn("nested container {}: the agent no longer knows its exit status", tag_);
      return end(kUnknownExitStatus);
    }
    std::string why = reply ? agent::describeFailure(backend_.client().endpoint(), CURLE_OK, reply->status, reply->body)
                            : reply.error().message;
    spdlog::warn("nested container {}: WAIT failed: {}", tag_, why);
    end(kAgentFailureStatus);
  }, 0);  // The session's output ended, so the agent answers at once; bounded in case it does not.
}

void MesosProcess::openInput() {
  input_listener_ = std::make_unique<InputListener>(*this);
  input_ = std::make_unique<agent::AgentRequest>(backend_.client().multi(), backend_.client().endpoint(),
                                                 agent::RequestKind::kInputStream, std::string(),
                                                 *input_listener_, 0);
  queueRecord(agent::attachInputFirst(container_));
  if (spec_.tty) {
    // A zero size first, then the real one, forces a redraw (dcos-core-cli).
    queueRecord(agent::ttyInfoRecord(0, 0));
    if (size_) queueRecord(agent::ttyInfoRecord(size_->first, size_->second));
  }
  if (!early_input_.empty()) {
    std::string early = std::move(early_input_);
    early_input_.clear();
    queueRecord(agent::stdinRecord(early), early.size());
  }
  if (input_closing_) {
    input_closing_ = false;
    closeInput();
  }
  heartbeat_timer_.start(backend_.agentConfig().heartbeat_interval_ms,
                         backend_.agentConfig().heartbeat_interval_ms);
  input_->start();
}

void MesosProcess::queueRecord(const mesos::agent::Call& record, size_t stdin_bytes) {
  if (!input_ || input_finished_) return;
  std::string encoded = agent::encodeRecord(agent::encodeMessage(record, type_));
  upload_ += encoded;
  upload_queued_ += encoded.size();
  if (stdin_bytes > 0) credits_.emplace_back(upload_queued_, stdin_bytes);
  if (upload_paused_) scheduleResume();
}

size_t MesosProcess::onUploadRead(char* buf, size_t size) {
  if (upload_.empty()) {
    if (input_finished_) return 0;  // Ends the request body.
    upload_paused_ = true;
    return CURL_READFUNC_PAUSE;
  }
  size_t n = std::min(size, upload_.size());
  std::memcpy(buf, upload_.data(), n);
  upload_.erase(0, n);
  upload_taken_ += n;
  size_t delivered = 0;
  while (!credits_.empty() && credits_.front().first <= upload_taken_) {
    delivered += credits_.front().second;
    credits_.pop_front();
  }
  if (delivered > 0) observer_.onInputDelivered(delivered);
  return n;
}

void MesosProcess::onInputDone(CURLcode code, long status) {
  if (code != CURLE_OK || status != 200) {
    std::string body = input_listener_ ? input_listener_->body_ : std::string();
    spdlog::warn("nested container {}: input stream ended: {}", tag_,
                 agent::describeFailure(backend_.client().endpoint(), code, status, body));
  }
  // Queued input can no longer be delivered: give its credit back.
  size_t stranded = 0;
  for (const auto& c : credits_) stranded += c.second;
  credits_.clear();
  upload_.clear();
  input_finished_ = true;
  if (stranded > 0) observer_.onInputDelivered(stranded);
}

void MesosProcess::writeInput(std::span<const char> bytes) {
  if (bytes.empty()) return;
  if (state_ == State::kResolving || state_ == State::kLaunching) {
    early_input_.append(bytes.data(), bytes.size());
    return;
  }
  if (!input_ || input_finished_) {
    observer_.onInputDelivered(bytes.size());  // Dropped: the session is ending.
    return;
  }
  // Records of at most 64 KiB keep every record small for the agent.
  for (size_t off = 0; off < bytes.size(); off += 65536) {
    auto piece = bytes.subspan(off, std::min<size_t>(65536, bytes.size() - off));
    queueRecord(agent::stdinRecord(std::string_view(piece.data(), piece.size())), piece.size());
  }
}

void MesosProcess::closeInput() {
  if (!input_) {
    input_closing_ = true;
    return;
  }
  if (spec_.tty) {
    // An empty record does nothing to a PTY; the line discipline's EOF does.
    queueRecord(agent::stdinRecord("\x04"));
    return;
  }
  queueRecord(agent::stdinRecord(""));  // Present and empty: the agent closes stdin.
  input_finished_ = true;
  if (upload_paused_) scheduleResume();
}

void MesosProcess::resize(uint16_t rows, uint16_t cols) {
  if (!spec_.tty) return;
  size_ = std::make_pair(rows, cols);
  if (input_) queueRecord(agent::ttyInfoRecord(rows, cols));
}

void MesosProcess::terminate() {
  if (state_ == State::kEnded || state_ == State::kWaiting || state_ == State::kFailing) return;
  spdlog::info("nested container {}: stopping (closing its launch connection)", tag_);
  bool launched = launch_ != nullptr;
  input_.reset();
  launch_.reset();
  head_timer_.stop();
  heartbeat_timer_.stop();
  pending_ = {};
  if (!launched) return end(SIGKILL);
  wait();
}

void MesosProcess::fail(const std::string& reason) {
  if (state_ == State::kEnded || state_ == State::kFailing) return;
  spdlog::warn("nested container {}: agent failure: {}", tag_, reason);
  bool launched = launch_ != nullptr && state_ != State::kLaunching;
  state_ = State::kFailing;
  input_.reset();
  launch_.reset();
  head_timer_.stop();
  heartbeat_timer_.stop();
  std::weak_ptr<bool> alive = alive_;
  deliverPending();  // What arrived before the failure is output like any other.
  if (alive.expired()) return;
  pending_ = {};
  observer_.onProcessLost(reason);
  if (alive.expired()) return;
  if (launched) {
    // The session may have run: its exit status may still be known (and the
    // recording ends with it).
    return wait();
  }
  end(kAgentFailureStatus);
}

void MesosProcess::end(int wait_status) {
  if (state_ == State::kEnded) return;
  state_ = State::kEnded;
  heartbeat_timer_.stop();
  head_timer_.stop();
  spdlog::info("nested container {}: ended (wait status {})", tag_, wait_status);
  // Let the agent forget the finished session (best effort).
  if (!container_.value().empty()) {
    backend_.client().call(agent::removeCall(container_), [](Result<agent::Reply>) {});
  }
  observer_.onProcessEnded(wait_status);
}

}  // namespace airlock::backend
