#include "agent_emulator.h"

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "agent/mesos_json.h"
#include "agent/recordio.h"

extern char** environ;

namespace airlock::emulator {
namespace {

using agent::ContentType;
using mesos::agent::Call;
using mesos::agent::ProcessIO;
using mesos::agent::Response;

constexpr size_t kMaxBodyBytes = 16u << 20;
constexpr size_t kMaxContainerDepth = 32;
constexpr char kPrefix[] = "Failed to validate agent::Call: ";

Headers textHeaders() { return {{"Content-Type", "text/plain; charset=utf-8"}}; }

void sendError(HttpConnection& conn, int status, const std::string& message) {
  if (message.empty()) {
    // Errors without a message carry the default body, e.g. `404 Not Found.`.
    conn.respond(status, textHeaders(), std::to_string(status) + " " + statusText(status) + ".");
    return;
  }
  conn.respond(status, textHeaders(), message);
}

void sendError(HttpConnection& conn, const HttpError& e) { sendError(conn, e.status, e.message); }

std::string mimeFor(const Negotiated& n) { return std::string(agent::mimeOf(n.response_type)); }

void sendMessage(HttpConnection& conn, const Negotiated& n, const google::protobuf::Message& m) {
  conn.respond(200, {{"Content-Type", mimeFor(n)}}, agent::encodeMessage(m, n.response_type));
}

}  // namespace

std::string validateContainerId(const mesos::ContainerID& id) {
  size_t depth = 0;
  for (const mesos::ContainerID* level = &id; level != nullptr;
       level = level->has_parent() ? &level->parent() : nullptr) {
    const std::string& v = level->value();
    if (++depth > kMaxContainerDepth) return "too many levels of nesting";
    if (v.empty()) return "'ContainerID.value' should not be empty";
    if (v.size() > 242) return "'ContainerID.value' is too long";
    if (v == "." || v == "..") return "'" + v + "' is disallowed";
    for (char c : v) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == '.' ||
          c == ' ') {
        return "'ContainerID.value' '" + v + "' contains invalid characters";
      }
    }
  }
  return {};
}

// Runs `fn` once after `ms` on the loop, unless the loop ends first (the
// timer does not keep it alive); the timer frees itself.
void runLater(uv_loop_t* loop, uint64_t ms, std::function<void()> fn) {
  struct Later {
    uv_timer_t timer{};
    std::function<void()> fn;
  };
  auto* later = new Later{{}, std::move(fn)};
  later->timer.data = later;
  uv_timer_init(loop, &later->timer);
  uv_timer_start(&later->timer, [](uv_timer_t* t) {
    auto* l = static_cast<Later*>(t->data);
    l->fn();
    uv_close(reinterpret_cast<uv_handle_t*>(t),
             [](uv_handle_t* h) { delete static_cast<Later*>(h->data); });
  }, ms, 0);
  uv_unref(reinterpret_cast<uv_handle_t*>(&later->timer));
}

// A non-streaming call (and LAUNCH_NESTED_CONTAINER_SESSION, whose request
// is whole but whose response streams).
class CallHandler final : public RequestHandler {
 public:
  CallHandler(AgentEmulator& agent, HttpConnection& conn, Negotiated n)
      : agent_(agent), conn_(conn), n_(n) {}
  ~CallHandler() override { *alive_ = false; }

  void onBody(std::string_view bytes) override {
    if (failed_) return;
    if (body_.size() + bytes.size() > kMaxBodyBytes) {
      failed_ = true;
      sendError(conn_, 400, "Request body too large");
      return;
    }
    body_.append(bytes);
  }
  void onEnd() override {
    if (failed_) return;
    if (body_.empty()) return sendError(conn_, 400, "Received EOF while reading request body");
    Call call;
    if (auto r = agent::decodeMessage(body_, n_.request_type, call); !r) {
      return sendError(conn_, 400, r.error().message);
    }
    handle(call);
  }
  void onClosed() override {
    if (container_) container_->outputClosed(conn_);
  }

 private:
  void handle(const Call& call);
  void launchSession(const Call& call);
  void startSession(const Call& call);
  void wait(const mesos::ContainerID& id, bool nested);
  void kill(const mesos::ContainerID& id, std::optional<int> signal);
  void remove(const mesos::ContainerID& id);
  void getContainers(const Call& call);
  std::optional<std::string> validate(const Call& call) const;

  AgentEmulator& agent_;
  HttpConnection& conn_;
  Negotiated n_;
  std::string body_;
  bool failed_ = false;
  std::shared_ptr<NestedContainer> container_;  // LNCS: the stream we serve.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

std::optional<std::string> CallHandler::validate(const Call& call) const {
  if (!call.has_type()) return "Expecting 'type' to be present";
  auto needsId = [&](const char* field, bool present, const mesos::ContainerID& id,
                     bool parent_required) -> std::optional<std::string> {
    if (!present) return "Expecting '" + std::string(field) + "' to be present";
    std::string err = validateContainerId(id);
    if (!err.empty()) return "'" + std::string(field) + ".container_id' is invalid: " + err;
    if (parent_required && !id.has_parent()) {
      return "Expecting '" + std::string(field) + ".container_id.parent' to be present";
    }
    return std::nullopt;
  };
  switch (call.type()) {
    case Call::LAUNCH_NESTED_CONTAINER_SESSION:
      return needsId("launch_nested_container_session", call.has_launch_nested_container_session(),
                     call.launch_nested_container_session().container_id(), true);
    case Call::WAIT_NESTED_CONTAINER:
      return needsId("wait_nested_container", call.has_wait_nested_container(),
                     call.wait_nested_container().container_id(), true);
    case Call::KILL_NESTED_CONTAINER:
      return needsId("kill_nested_container", call.has_kill_nested_container(),
                     call.kill_nested_container().container_id(), true);
    case Call::REMOVE_NESTED_CONTAINER:
      return needsId("remove_nested_container", call.has_remove_nested_container(),
                     call.remove_nested_container().container_id(), true);
    case Call::ATTACH_CONTAINER_OUTPUT:
      return needsId("attach_container_output", call.has_attach_container_output(),
                     call.attach_container_output().container_id(), false);
    default:
      return std::nullopt;
  }
}

void CallHandler::handle(const Call& call) {
  std::string type = Call::Type_Name(call.type());
  if (auto e = checkCallType(n_, type)) return sendError(conn_, *e);
  if (auto err = validate(call)) return sendError(conn_, 400, kPrefix + *err);
  switch (call.type()) {
    case Call::GET_STATE: {
      auto answer = [this] {
        Response r = agent_.state_;
        r.set_type(Response::GET_STATE);
        sendMessage(conn_, n_, r);
      };
      if (agent_.options_.state_delay_ms == 0) return answer();
      return runLater(agent_.loop_, agent_.options_.state_delay_ms, [alive = alive_, answer] {
        if (*alive) answer();
      });
    }
    case Call::GET_CONTAINERS: return getContainers(call);
    case Call::LAUNCH_NESTED_CONTAINER_SESSION: return launchSession(call);
    case Call::WAIT_NESTED_CONTAINER: return wait(call.wait_nested_container().container_id(), true);
    case Call::KILL_NESTED_CONTAINER: {
      const auto& k = call.kill_nested_container();
      return kill(k.container_id(), k.has_signal() ? std::optional<int>(k.signal()) : std::nullopt);
    }
    case Call::REMOVE_NESTED_CONTAINER: return remove(call.remove_nested_container().container_id());
    case Call::ATTACH_CONTAINER_OUTPUT: {
      const auto& id = call.attach_container_output().container_id();
      if (!agent_.rootKnown(id)) return sendError(conn_, 404, agent_.notFound(id));
      auto c = agent_.find(id);
      if (!c) {
        return sendError(conn_, 500, agent_.options_.composing_errors
                                         ? "Container not found"
                                         : "Unknown container " + agent::containerIdString(id));
      }
      if (c->terminated()) return sendError(conn_, 500, "I/O switchboard has shutdown");
      Headers h;
      if (n_.accept == Negotiated::Accept::kRecordIo) {
        h = {{"Content-Type", std::string(agent::kMimeRecordIo)}, {"Message-Content-Type", mimeFor(n_)}};
      } else {
        h = {{"Content-Type", mimeFor(n_)}};  // Legacy: still RecordIO framed.
      }
      conn_.startStream(200, h);
      container_ = c;
      c->addOutput(conn_, n_.response_type, false);
      return;
    }
    default:
      return sendError(conn_, 400, "Unsupported call " + type + " in the agent emulator");
  }
}

void CallHandler::launchSession(const Call& call) {
  const EmulatorOptions& options = agent_.options_;
  if (options.fail_launch_status != 0) {
    return sendError(conn_, static_cast<int>(options.fail_launch_status),
                     "Failed to launch nested container: the agent emulator was told to fail "
                     "(--fail-launch)");
  }
  if (options.launch_delay_ms == 0) return startSession(call);
  runLater(agent_.loop_, options.launch_delay_ms, [this, alive = alive_, call] {
    if (*alive) startSession(call);
  });
}

void CallHandler::startSession(const Call& call) {
  const auto& launch = call.launch_nested_container_session();
  const mesos::ContainerID& id = launch.container_id();
  const mesos::ContainerID& parent = id.parent();
  std::string parent_str = agent::containerIdString(parent);
  bool parent_known = agent_.known_parents_.contains(parent_str) ||
                      (agent_.find(parent) && !agent_.find(parent)->terminated());
  if (!parent_known) {
    std::string root = agent::containerChain(id).front();
    return sendError(conn_, 400, agent_.options_.composing_errors
                                     ? "Root container " + root + " not found"
                                     : "Parent container " + parent_str + " does not exist");
  }
  if (launch.has_container() && launch.container().type() != mesos::ContainerInfo::MESOS) {
    return sendError(conn_, 400, "The provided ContainerInfo is not supported");
  }
  std::string key = agent::containerIdString(id);
  if (agent_.containers_.contains(key)) {
    conn_.respond(202, {}, "");  // Already launched: no stream follows.
    return;
  }
  NestedContainer::Launch spec;
  spec.id = id;
  spec.command = launch.command();
  spec.tty = launch.has_container() && launch.container().has_tty_info();
  for (char** e = environ; *e != nullptr; ++e) spec.base_env.emplace_back(*e);
  spec.cwd = agent_.options_.sandbox;
  spec.heartbeat_ms = agent_.options_.heartbeat_ms;
  auto c = std::make_shared<NestedContainer>(agent_.loop_, std::move(spec));
  std::string error;
  if (!c->start(error)) return sendError(conn_, 400, error);
  agent_.containers_.emplace(key, c);
  // The headers go out only now that the process runs (spec section 7.3).
  Headers h;
  if (n_.accept == Negotiated::Accept::kRecordIo) {
    h = {{"Content-Type", std::string(agent::kMimeRecordIo)}, {"Message-Content-Type", mimeFor(n_)}};
  } else {
    h = {{"Content-Type", mimeFor(n_)}};
  }
  conn_.startStream(200, h);
  container_ = c;
  c->addOutput(conn_, n_.response_type, true);
  if (agent_.options_.cut_stream_ms != 0) {
    runLater(agent_.loop_, agent_.options_.cut_stream_ms, [conn = &conn_, alive = alive_] {
      if (*alive) conn->close();  // Mid-stream: the client sees the transfer break.
    });
  }
}

void CallHandler::wait(const mesos::ContainerID& id, bool nested) {
  auto c = agent_.find(id);
  if (!agent_.rootKnown(id) || !c) return sendError(conn_, 404, agent_.notFound(id));
  if (agent_.options_.forget_exits && c->terminated()) return sendError(conn_, 404, agent_.notFound(id));
  // A weak reference: the callback lives in the container itself.
  auto answer = [conn = &conn_, n = n_, nested, weak = std::weak_ptr<NestedContainer>(c)] {
    auto c = weak.lock();
    if (!c) return;
    Response r;
    r.set_type(nested ? Response::WAIT_NESTED_CONTAINER : Response::UNKNOWN);
    r.mutable_wait_nested_container()->set_exit_status(c->waitStatus());
    sendMessage(*conn, n, r);
  };
  if (c->terminated()) return answer();
  // Long-poll until the session ends (unless this request goes away first).
  c->onEnded([alive = alive_, answer] {
    if (*alive) answer();
  });
}

void CallHandler::kill(const mesos::ContainerID& id, std::optional<int> signal) {
  auto c = agent_.find(id);
  if (!agent_.rootKnown(id) || !c || c->terminated()) {
    return sendError(conn_, 404, "Container '" + agent::containerIdString(id) +
                                     "' cannot be found (or is already killed)");
  }
  if (!c->sendSignal(signal.value_or(SIGKILL))) {
    return sendError(conn_, 500, "Unable to send signal to container: " + std::to_string(errno));
  }
  conn_.respond(200, {}, "");
}

void CallHandler::remove(const mesos::ContainerID& id) {
  if (!agent_.rootKnown(id)) {
    return sendError(conn_, 500, agent_.options_.composing_errors
                                     ? "Root container " + agent::containerChain(id).front() + " not found"
                                     : "Unknown root container");
  }
  auto c = agent_.find(id);
  if (!c) return sendError(conn_, 404, agent_.notFound(id));
  if (!c->terminated()) return sendError(conn_, 500, "Nested container has not terminated yet");
  agent_.containers_.erase(agent::containerIdString(id));
  conn_.respond(200, {}, "");
}

// Debian's proto snapshot has no `get_containers.show_nested`, so nested
// sessions are never listed.
void CallHandler::getContainers(const Call&) {
  Response r;
  r.set_type(Response::GET_CONTAINERS);
  auto* out = r.mutable_get_containers();
  for (const auto& task : agent_.state_.get_state().get_tasks().launched_tasks()) {
    for (auto it = task.statuses().rbegin(); it != task.statuses().rend(); ++it) {
      if (!it->container_status().has_container_id()) continue;
      auto* entry = out->add_containers();
      *entry->mutable_framework_id() = task.framework_id();
      entry->mutable_executor_id()->set_value(task.has_executor_id() ? task.executor_id().value()
                                                                      : task.task_id().value());
      *entry->mutable_container_id() = it->container_status().container_id();
      break;
    }
  }
  sendMessage(conn_, n_, r);
}

// ATTACH_CONTAINER_INPUT: a RecordIO stream of Calls; the first names the
// container, the rest are ProcessIO records for it (spec 2.5, 4.3).
class InputHandler final : public RequestHandler {
 public:
  InputHandler(AgentEmulator& agent, HttpConnection& conn, Negotiated n)
      : agent_(agent), conn_(conn), n_(n) {}
  ~InputHandler() override {
    *alive_ = false;
    detach();
  }

  void onBody(std::string_view bytes) override {
    if (done_) return;
    bool first_pending = !attached_;
    if (!decoder_.feed(bytes, [&](std::string_view record) { onRecord(record); })) {
      if (done_) return;
      // A bad first header is a 500; later, the stream is broken.
      if (first_pending && !attached_) return finish(500, "Decoder failure: " + decoder_.error());
      done_ = true;
      detach();
      conn_.close();
    }
  }
  void onEnd() override {
    if (done_) return;
    if (!attached_) return finish(400, "Received EOF while reading request body");
    finish(200, "");
  }
  void onClosed() override {
    done_ = true;
    detach();
  }

 private:
  void onRecord(std::string_view record);
  void onFirst(const Call& call);
  std::optional<std::string> validateLater(const Call& call) const;
  void apply(const ProcessIO& io);
  void detach() {
    if (container_ && attached_) container_->setInputAttached(false);
    container_.reset();
  }
  void finish(int status, const std::string& message) {
    if (done_) return;
    done_ = true;
    detach();
    if (status == 200) {
      conn_.respond(200, {}, "");  // Empty body, no Content-Type.
    } else {
      sendError(conn_, status, message);
    }
  }

  AgentEmulator& agent_;
  HttpConnection& conn_;
  Negotiated n_;
  agent::RecordIoDecoder decoder_;
  std::shared_ptr<NestedContainer> container_;
  bool attached_ = false;
  bool done_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

void InputHandler::onRecord(std::string_view record) {
  if (done_) return;
  Call call;
  if (auto r = agent::decodeMessage(record, n_.request_type, call); !r) {
    return finish(400, r.error().message);
  }
  if (!attached_) return onFirst(call);
  if (auto err = validateLater(call)) return finish(400, *err);
  apply(call.attach_container_input().process_io());
}

void InputHandler::onFirst(const Call& call) {
  if (!call.has_type()) return finish(400, std::string(kPrefix) + "Expecting 'type' to be present");
  if (auto e = checkCallType(n_, Call::Type_Name(call.type()))) return finish(e->status, e->message);
  const auto& aci = call.attach_container_input();
  if (!call.has_attach_container_input()) {
    return finish(400, std::string(kPrefix) + "Expecting 'attach_container_input' to be present");
  }
  if (!aci.has_type()) {
    return finish(400, std::string(kPrefix) + "Expecting 'attach_container_input.type' to be present");
  }
  if (aci.type() == Call::AttachContainerInput::UNKNOWN) {
    return finish(400, std::string(kPrefix) + "'attach_container_input.type' is unknown");
  }
  if (aci.type() == Call::AttachContainerInput::CONTAINER_ID) {
    if (!aci.has_container_id()) {
      return finish(400, std::string(kPrefix) +
                             "Expecting 'attach_container_input.container_id' to be present");
    }
    std::string err = validateContainerId(aci.container_id());
    if (!err.empty()) {
      return finish(400, std::string(kPrefix) + "'attach_container_input.container_id' is invalid: " + err);
    }
  }
  if (aci.type() != Call::AttachContainerInput::CONTAINER_ID) {
    return finish(400, "Expecting 'attach_container_input.type' to be CONTAINER_ID");
  }
  const auto& id = aci.container_id();
  if (!agent_.rootKnown(id)) return finish(404, agent_.notFound(id));
  auto c = agent_.find(id);
  if (!c) {
    return finish(500, agent_.options_.composing_errors ? "Container not found"
                                                        : "Unknown container " + agent::containerIdString(id));
  }
  if (c->terminated()) return finish(500, "I/O switchboard has shutdown");
  if (c->inputAttached()) return finish(409, "Multiple input connections are not allowed");
  c->setInputAttached(true);
  container_ = c;
  attached_ = true;
  // The answer comes about 1 s after the session's output drained, even if
  // the client keeps streaming (the switchboard's `redirectFinished`).
  c->onEnded([this, alive = alive_, loop = agent_.loop_] {
    if (!*alive) return;
    auto* t = new uv_timer_t{};
    uv_timer_init(loop, t);
    t->data = new std::function<void()>([this, alive] {
      if (*alive) finish(200, "");
    });
    uv_timer_start(t, [](uv_timer_t* h) {
      auto* fn = static_cast<std::function<void()>*>(h->data);
      (*fn)();
      delete fn;
      uv_close(reinterpret_cast<uv_handle_t*>(h), [](uv_handle_t* raw) { delete reinterpret_cast<uv_timer_t*>(raw); });
    }, 1000, 0);
  });
}

std::optional<std::string> InputHandler::validateLater(const Call& call) const {
  const auto& aci = call.attach_container_input();
  if (aci.type() != Call::AttachContainerInput::PROCESS_IO) {
    return "Expecting 'attach_container_input.type' to be 'PROCESS_IO' instead of: '" +
           Call::AttachContainerInput::Type_Name(aci.type()) + "'";
  }
  if (!aci.has_process_io()) return "Expecting 'attach_container_input.process_io' to be present";
  const ProcessIO& io = aci.process_io();
  if (!io.has_type()) return "Expecting 'process_io.type' to be present";
  switch (io.type()) {
    case ProcessIO::CONTROL:
      if (!io.has_control()) return "Expecting 'process_io.control' to be present";
      if (!io.control().has_type()) return "Expecting 'process_io.control.type' to be present";
      switch (io.control().type()) {
        case ProcessIO::Control::TTY_INFO:
          if (!io.control().has_tty_info()) return "Expecting 'process_io.control.tty_info' to be present";
          if (!io.control().tty_info().has_window_size()) return "Expecting 'tty_info.window_size' to be present";
          return std::nullopt;
        case ProcessIO::Control::HEARTBEAT:
          if (!io.control().has_heartbeat()) return "Expecting 'process_io.control.heartbeat' to be present";
          return std::nullopt;
        default:
          return "'process_io.control.type' is unknown";
      }
    case ProcessIO::DATA:
      if (!io.has_data()) return "Expecting 'process_io.data' to be present";
      if (!io.data().has_type()) return "Expecting 'process_io.data.type' to be present";
      if (io.data().type() != ProcessIO::Data::STDIN) return "Expecting 'process_io.data.type' to be 'STDIN'";
      if (!io.data().has_data()) return "Expecting 'process_io.data.data' to be present";
      return std::nullopt;
    default:
      return "'process_io.type' is unknown";
  }
}

void InputHandler::apply(const ProcessIO& io) {
  if (!container_ || container_->terminated()) return;
  std::string error;
  if (io.type() == ProcessIO::CONTROL) {
    if (io.control().type() == ProcessIO::Control::TTY_INFO) {
      const auto& size = io.control().tty_info().window_size();
      if (!container_->setWindowSize(size.rows(), size.columns(), error)) finish(400, error);
    }
    return;  // Heartbeats only keep the connection alive.
  }
  if (!container_->writeStdin(io.data().data(), error)) finish(500, error);
}

AgentEmulator::AgentEmulator(uv_loop_t* loop, EmulatorOptions options)
    : loop_(loop),
      options_(std::move(options)),
      server_(loop, [this](HttpConnection& c, const HttpRequest& r) { return dispatch(c, r); },
              HttpServerOptions{options_.rechunk_seed}) {}

AgentEmulator::~AgentEmulator() = default;

Result<uint16_t> AgentEmulator::start(uint16_t port) {
  if (auto r = agent::fromMesosJson(options_.fixture_json, state_); !r) {
    return Error{"fixture: " + r.error().message};
  }
  for (const auto& task : state_.get_state().get_tasks().launched_tasks()) {
    for (const auto& status : task.statuses()) {
      if (!status.container_status().has_container_id()) continue;
      auto chain = agent::containerChain(status.container_status().container_id());
      roots_.insert(chain.front());
      std::string prefix;
      for (const auto& part : chain) {
        prefix += (prefix.empty() ? "" : ".") + part;
        known_parents_.insert(prefix);
      }
    }
  }
  sigchld_ = new uv_signal_t{};
  uv_signal_init(loop_, sigchld_);
  sigchld_->data = this;
  uv_signal_start(sigchld_, [](uv_signal_t* h, int) {
    if (h->data != nullptr) static_cast<AgentEmulator*>(h->data)->onSigchld();
  }, SIGCHLD);
  started_ms_ = uv_now(loop_);
  int bound = server_.listen(port);
  if (bound < 0) return Error{std::string("listen: ") + uv_strerror(bound), bound};
  return static_cast<uint16_t>(bound);
}

void AgentEmulator::stop() {
  // Like the agent tearing its containers down: every session ends and its
  // processes are reaped before the connections close, whoever else still
  // holds a reference to the container.
  for (auto& [key, c] : containers_) c->destroy();
  containers_.clear();
  server_.closeAll();
  if (sigchld_ != nullptr) {
    sigchld_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(sigchld_), [](uv_handle_t* h) {
      delete reinterpret_cast<uv_signal_t*>(h);
    });
    sigchld_ = nullptr;
  }
}

size_t AgentEmulator::liveSessions() const {
  size_t n = 0;
  for (const auto& [k, c] : containers_) n += c->terminated() ? 0 : 1;
  return n;
}

void AgentEmulator::onSigchld() {
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    for (auto& [key, c] : containers_) {
      if (c->pid() == pid) {
        c->onExit(status);
        break;
      }
    }
  }
}

bool AgentEmulator::rootKnown(const mesos::ContainerID& id) const {
  return roots_.contains(agent::containerChain(id).front());
}

std::shared_ptr<NestedContainer> AgentEmulator::find(const mesos::ContainerID& id) const {
  auto it = containers_.find(agent::containerIdString(id));
  return it == containers_.end() ? nullptr : it->second;
}

std::string AgentEmulator::notFound(const mesos::ContainerID& id) const {
  return "Container " + agent::containerIdString(id) + " cannot be found";
}

std::optional<HttpError> AgentEmulator::authenticate(const HttpRequest& request) const {
  if (options_.basic_principal.empty() && options_.token.empty()) return std::nullopt;
  auto auth = request.header("authorization");
  if (auth && !options_.token.empty() && *auth == "token=" + options_.token) return std::nullopt;
  if (auth && !options_.basic_principal.empty() &&
      *auth == "Basic " + agent::base64Encode(options_.basic_principal + ":" + options_.basic_secret)) {
    return std::nullopt;
  }
  return HttpError{401, ""};
}

std::unique_ptr<RequestHandler> AgentEmulator::dispatch(HttpConnection& conn, const HttpRequest& request) {
  if (auto e = authenticate(request)) {
    conn.respond(401, {{"WWW-Authenticate", "Basic realm=\"mesos-agent-readwrite\""},
                       {"Content-Type", "text/plain; charset=utf-8"}},
                 "401 Unauthorized.");
    return nullptr;
  }
  if (request.target != "/api/v1" && request.target != "/slave(1)/api/v1") {
    sendError(conn, 404, "");
    return nullptr;
  }
  if (uv_now(loop_) - started_ms_ < options_.recovering_ms) {
    sendError(conn, 503, "Agent has not finished recovery");
    return nullptr;
  }
  if (request.method != "POST") {
    conn.respond(405, {{"Allow", "POST"}, {"Content-Type", "text/plain; charset=utf-8"}},
                 "405 Method Not Allowed. Expecting one of { 'POST' }, but received '" +
                     request.method + "'.");
    return nullptr;
  }
  Negotiated n;
  if (auto e = negotiate(request, n)) {
    sendError(conn, *e);
    return nullptr;
  }
  if (n.streaming_request) return std::make_unique<InputHandler>(*this, conn, n);
  return std::make_unique<CallHandler>(*this, conn, n);
}

}  // namespace airlock::emulator
