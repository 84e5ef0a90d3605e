#include "record/recorder.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "record/recording_service.h"

namespace airlock::record {
namespace {
using backend::OutputStream;
constexpr char kDaemonVersion[] = "airlockd 0.1.0";
}  // namespace

// One unit of pool work: everything the pool thread touches is in here, so a
// recorder that goes away mid-job (forced shutdown) only clears `owner`.
struct Recorder::Job {
  enum class Kind { kCreate, kAppend };
  uv_work_t req{};
  Recorder* owner = nullptr;
  Kind kind = Kind::kAppend;
  bool seal = false;  // finish() after the append.
  // kCreate
  std::string dir;
  std::string session_id;
  uint64_t start_unix_us = 0;
  replay::RecordingMetadata metadata;
  std::shared_ptr<const replay::RecordingSigner> signer;
  replay::WriterOptions options;
  // kAppend
  std::shared_ptr<replay::CompressorPool> pool;
  replay::EventBatch batch;
  std::optional<replay::RecordingWriter> writer;
  // Results
  std::optional<Error> error;
  replay::AppendReceipt receipt;
  uint64_t bytes_before = 0;
};

Recorder::Recorder(RecordingService& service, session::Session& session)
    : service_(service),
      session_(&session),
      start_ns_(uv_hrtime()),
      start_unix_us_(std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count()) {
  service_.add(this);
}

Recorder::~Recorder() {
  service_.remove(this);
  // The job frees itself when the pool is done with it; the file is left
  // as it is (truncated but valid up to its last frame).
  if (in_flight_ != nullptr) in_flight_->owner = nullptr;
}

uint64_t Recorder::nowUs() const { return (uv_hrtime() - start_ns_) / 1000; }

replay::RecordingMetadata Recorder::metadata() const {
  const session::SessionInfo& info = session_->info();
  replay::RecordingMetadata m;
  m.sessionId = info.id;
  m.user = info.principal;
  m.target = info.spec.target;
  m.appId = info.app_id;
  m.argv = info.spec.argv;
  m.tty = info.spec.tty;
  m.cols = info.spec.cols;
  m.rows = info.spec.rows;
  auto term = info.spec.env.find("TERM");
  m.term = term != info.spec.env.end() ? term->second : (info.spec.tty ? "xterm-256color" : "");
  m.authzDecision = info.authz_verdict;
  m.authzRule = info.authz_rule;
  m.hostname = service_.hostname();
  m.daemonVersion = kDaemonVersion;
  m.startTimeUnixUs = start_unix_us_;
  m.inputPolicy = service_.config().input;
  m.labels = info.labels;
  m.labels["airlock.run_as"] = info.user;
  return m;
}

void Recorder::start() {
  auto* job = new Job;
  job->kind = Job::Kind::kCreate;
  job->dir = service_.config().dir;
  job->session_id = session_->info().id;
  job->start_unix_us = start_unix_us_;
  job->metadata = metadata();
  job->signer = service_.signer();
  job->options = service_.writerOptions();
  submit(job);
}

void Recorder::submit(Job* job) {
  job->owner = this;
  job->req.data = job;
  in_flight_ = job;
  uv_queue_work(service_.loop(), &job->req, onUvWork, onUvAfterWork);
}

void Recorder::onUvWork(uv_work_t* req) {
  // Pool thread: only the job is touched here.
  auto* job = static_cast<Job*>(req->data);
  if (job->kind == Job::Kind::kCreate) {
    auto path = replay::prepareRecordingPath(job->dir, job->session_id, job->start_unix_us);
    if (!path) {
      job->error = path.error();
      return;
    }
    auto writer = replay::RecordingWriter::create(*path, std::move(job->metadata), job->signer,
                                                  job->options);
    if (!writer) {
      job->error = writer.error();
      return;
    }
    job->writer.emplace(std::move(*writer));
    job->receipt.fileBytes = job->writer->fileBytes();
    return;
  }
  job->bytes_before = job->writer->fileBytes();
  auto appended = job->writer->appendFrame(job->batch, *job->pool);
  if (!appended) {
    job->error = appended.error();
    return;
  }
  job->receipt = *appended;
  if (job->seal) {
    auto finished = job->writer->finish();
    if (!finished) {
      job->error = finished.error();
      return;
    }
    job->receipt = *finished;
  }
}

void Recorder::onUvAfterWork(uv_work_t* req, int /*status*/) {
  std::unique_ptr<Job> job(static_cast<Job*>(req->data));
  if (job->owner != nullptr) job->owner->onJobDone(*job);
}

void Recorder::onJobDone(Job& job) {
  in_flight_ = nullptr;
  if (job.writer) writer_.emplace(std::move(*job.writer));
  if (job.error) {
    fail(*job.error);
    return;
  }
  if (job.kind == Job::Kind::kAppend) service_.onFrameWritten(job.receipt.fileBytes - job.bytes_before);
  if (state_ == State::kCreating) state_ = State::kRecording;
  if (state_ == State::kSealing) {
    state_ = State::kSealed;
    service_.onRecordingSealed();
    spdlog::info("session {}: recording sealed ({} frames, {} bytes) in {}", session_->info().id,
                 job.receipt.frames, job.receipt.fileBytes, writer_ ? writer_->path() : "?");
    detach();
    return;
  }
  advance();
}

void Recorder::pull() {
  const size_t limit = service_.config().max_pending_bytes;
  for (OutputStream stream : {OutputStream::kStdout, OutputStream::kStderr}) {
    while (batch_.dataBytes() < limit) {
      auto bytes = session_->readable(*this, stream);
      if (bytes.empty()) break;
      size_t n = std::min(bytes.size(), limit - batch_.dataBytes());
      batch_.addOutput(nowUs(), {bytes.data(), n});
      session_->consume(*this, stream, n);
    }
  }
}

void Recorder::advance() {
  if (state_ == State::kSealed || state_ == State::kFailed || !attached_) return;
  pull();
  if (in_flight_ != nullptr || state_ != State::kRecording) return;
  bool sealing = wait_status_.has_value() && session_->drainedFor(*this);
  if (sealing) batch_.addExit(nowUs(), *wait_status_);
  if (!sealing && !batch_.due(nowUs(), service_.framePolicy())) return;
  auto* job = new Job;
  job->kind = Job::Kind::kAppend;
  job->seal = sealing;
  job->pool = service_.pool();
  job->batch = std::move(batch_);
  batch_ = replay::EventBatch();
  job->writer.emplace(std::move(*writer_));
  writer_.reset();
  if (sealing) state_ = State::kSealing;
  submit(job);
}

void Recorder::onTick() { advance(); }

void Recorder::onSessionEnded(int wait_status) {
  wait_status_ = wait_status;
  advance();
}

void Recorder::onInput(std::span<const char> bytes) {
  const std::string& policy = service_.config().input;
  if (policy == "off" || state_ == State::kSealed || state_ == State::kFailed) return;
  // Unknown echo state counts as hidden: never store what might be a password.
  if (policy == "full" || session_->inputEchoes().value_or(false)) {
    batch_.addInput(nowUs(), {bytes.data(), bytes.size()});
  } else {
    batch_.addRedactedInput(nowUs());
  }
}

void Recorder::onResize(uint16_t rows, uint16_t cols) {
  if (state_ == State::kSealed || state_ == State::kFailed) return;
  batch_.addResize(nowUs(), cols, rows);
}

void Recorder::onSessionLost(const std::string& /*reason*/) {
  // The session is being stopped; keep recording until its exit status.
}

void Recorder::fail(const Error& error) {
  state_ = State::kFailed;
  service_.onRecordingFailed();
  batch_.clear();
  bool closed = service_.config().failure_policy == "fail-closed";
  // The audit line operators grep for.
  spdlog::error("audit: recording of session {} (principal {}) failed: {}; {}", session_->info().id,
                session_->info().principal, error.message,
                closed ? "ending the session (recording.failure_policy = fail-closed)"
                       : "the session continues unrecorded (recording.failure_policy = fail-open)");
  session::Session* session = session_;
  detach();
  if (closed) {
    session->fail("the session could not be recorded (" + error.message +
                  "), so it was ended; ask an operator to check airlockd's recording directory");
  }
}

void Recorder::detach() {
  if (!attached_) return;
  attached_ = false;
  session_->removeConsumer(*this);
}

}  // namespace airlock::record
