#include "session/session.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "session/session_registry.h"

namespace airlock::session {
namespace {
size_t index(backend::OutputStream s) { return static_cast<size_t>(s); }
constexpr backend::OutputStream kStreams[] = {backend::OutputStream::kStdout,
                                              backend::OutputStream::kStderr};
}  // namespace

Session::Session(SessionRegistry& registry, SessionInfo info, BufferPool& buffers)
    : registry_(registry), info_(std::move(info)), logs_{OutputLog(buffers), OutputLog(buffers)} {}

Session::~Session() {
  // Owned consumers go first and must not call back into a dying session.
  consumers_.clear();
  owned_.clear();
  spdlog::debug("session {} freed", info_.id);
}

Result<void> Session::start(backend::Backend& backend, SessionConsumer& first) {
  consumers_.push_back({&first, {0, 0}});
  writer_ = &first;
  auto process = backend.start(info_.spec, *this);
  if (!process) {
    consumers_.clear();
    writer_ = nullptr;
    state_ = State::kEnded;
    return process.error();
  }
  process_ = std::move(*process);
  state_ = State::kRunning;
  return {};
}

Session::Attached* Session::find(const SessionConsumer& consumer) {
  auto it = std::find_if(consumers_.begin(), consumers_.end(),
                         [&](const Attached& a) { return a.consumer == &consumer; });
  return it == consumers_.end() ? nullptr : &*it;
}

const Session::Attached* Session::find(const SessionConsumer& consumer) const {
  return const_cast<Session*>(this)->find(consumer);
}

void Session::addConsumer(SessionConsumer& consumer) {
  // A late joiner starts at what is still buffered.
  consumers_.push_back({&consumer, {logs_[0].tail(), logs_[1].tail()}});
}

void Session::addWatcher(SessionConsumer& consumer) {
  // It starts at what is buffered, but no further back than it may lag.
  uint64_t lag = registry_.watcherLagBytes();
  auto start = [&](const OutputLog& log) {
    return log.head() - log.tail() > lag ? log.head() - lag : log.tail();
  };
  consumers_.push_back({&consumer, {start(logs_[0]), start(logs_[1])}, true});
}

void Session::removeConsumer(SessionConsumer& consumer) {
  std::erase_if(consumers_, [&](const Attached& a) { return a.consumer == &consumer; });
  if (writer_ == &consumer) writer_ = nullptr;
  for (auto stream : kStreams) trim(stream);
  // Consumers the session owns (the recorder) and watchers do not keep it alive.
  bool viewers_left = std::any_of(consumers_.begin(), consumers_.end(), [&](const Attached& a) {
    return !a.watcher && std::none_of(owned_.begin(), owned_.end(),
                                      [&](const auto& o) { return o.get() == a.consumer; });
  });
  if (!viewers_left && state_ == State::kRunning) {
    spdlog::info("session {}: nobody attached, stopping its processes", info_.id);
    state_ = State::kEnding;
    process_->terminate();
  }
  maybeFinish();
}

template <typename Fn>
void Session::notifyConsumers(Fn fn) {
  std::vector<SessionConsumer*> snapshot;
  snapshot.reserve(consumers_.size());
  for (const auto& a : consumers_) snapshot.push_back(a.consumer);
  for (SessionConsumer* c : snapshot) {
    if (find(*c) != nullptr) fn(*c);
  }
}

void Session::writeInput(std::span<const char> bytes) {
  if (!process_ || state_ != State::kRunning) return;
  notifyConsumers([&](SessionConsumer& c) { c.onInput(bytes); });
  process_->writeInput(bytes);
}

void Session::resize(uint16_t rows, uint16_t cols) {
  if (!process_ || state_ != State::kRunning) return;
  notifyConsumers([&](SessionConsumer& c) { c.onResize(rows, cols); });
  process_->resize(rows, cols);
}

void Session::fail(const std::string& reason) {
  spdlog::error("session {} lost: {}", info_.id, reason);
  notifyConsumers([&](SessionConsumer& c) { c.onSessionLost(reason); });
  terminate();
}

void Session::onProcessLost(const std::string& reason) {
  spdlog::error("session {} lost: {}", info_.id, reason);
  // The backend is already stopping the process: detaching viewers must not
  // ask it again.
  if (state_ == State::kRunning) state_ = State::kEnding;
  notifyConsumers([&](SessionConsumer& c) { c.onSessionLost(reason); });
}

void Session::adoptConsumer(std::unique_ptr<SessionConsumer> consumer) {
  addConsumer(*consumer);
  owned_.push_back(std::move(consumer));
}

void Session::terminate() {
  if (state_ == State::kRunning) {
    state_ = State::kEnding;
    process_->terminate();
  }
}

std::span<const char> Session::readable(const SessionConsumer& consumer,
                                        backend::OutputStream stream) const {
  const Attached* a = find(consumer);
  if (a == nullptr || a->cut) return {};
  return logs_[index(stream)].readable(a->cursor[index(stream)]);
}

void Session::consume(const SessionConsumer& consumer, backend::OutputStream stream,
                      size_t bytes) {
  Attached* a = find(consumer);
  if (a == nullptr) return;
  a->cursor[index(stream)] += bytes;
  trim(stream);
}

bool Session::drainedFor(const SessionConsumer& consumer) const {
  const Attached* a = find(consumer);
  return a != nullptr && a->cursor[0] == logs_[0].head() && a->cursor[1] == logs_[1].head();
}

void Session::trim(backend::OutputStream stream) {
  OutputLog& log = logs_[index(stream)];
  size_t i = index(stream);
  uint64_t slowest = log.head();
  // Watchers are lossy: one more than watcherLagBytes behind is cut off
  // rather than hold the log (and so the process and the recorder) back.
  std::vector<SessionConsumer*> cut;
  size_t lag_limit = registry_.watcherLagBytes();
  for (auto& a : consumers_) {
    if (a.watcher && log.head() - a.cursor[i] > lag_limit) {
      if (!a.cut) cut.push_back(a.consumer);
      a.cut = true;
    }
    if (!a.cut) slowest = std::min(slowest, a.cursor[i]);
  }
  bool was_full = log.used() == log.capacity();
  log.trimTo(slowest);
  if (was_full && log.used() < log.capacity() && process_) process_->resumeOutput();
  // After the trim: each cut-off detaches, which changes `consumers_`.
  for (SessionConsumer* c : cut) {
    if (find(*c) == nullptr) continue;
    spdlog::info("session {}: a watcher fell more than {} bytes behind and was cut off",
                 info_.id, lag_limit);
    c->onCutOff("too far behind: the watcher fell more than " + std::to_string(lag_limit) +
                " bytes behind the session's output (limits.watcher_lag_bytes)");
  }
}

std::span<char> Session::outputSpace(backend::OutputStream stream) {
  return logs_[index(stream)].writableSpan();
}

void Session::onOutput(backend::OutputStream stream, size_t bytes) {
  logs_[index(stream)].commit(bytes);
  if (consumers_.empty()) {
    trim(stream);  // Nobody to read it (the session is being stopped).
    return;
  }
  notifyConsumers([](SessionConsumer& c) { c.onOutputAvailable(); });
}

void Session::onInputDelivered(size_t bytes) {
  if (writer_ != nullptr) writer_->onInputDelivered(bytes);
}

void Session::onProcessEnded(int wait_status) {
  wait_status_ = wait_status;
  state_ = State::kEnded;
  spdlog::info("session {} ended (wait status {})", info_.id, wait_status);
  notifyConsumers([&](SessionConsumer& c) { c.onSessionEnded(wait_status); });
  maybeFinish();
}

void Session::maybeFinish() {
  if (state_ == State::kEnded && consumers_.empty()) registry_.finish(*this);
}

}  // namespace airlock::session
