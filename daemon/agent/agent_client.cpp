#include "agent/agent_client.h"

namespace airlock::agent {

class AgentClient::UnaryCall final : public AgentRequest::Listener {
 public:
  UnaryCall(AgentClient& client, std::string body, ReplyFn fn, long timeout_ms)
      : client_(client),
        fn_(std::move(fn)),
        request_(client.multi_, client.endpoint_, RequestKind::kUnary, std::move(body), *this,
                 timeout_ms) {}
  void start(std::list<std::unique_ptr<UnaryCall>>::iterator self) {
    self_ = self;
    request_.start();
  }

  // AgentRequest::Listener
  void onResponseHead(long, const std::string& content_type, const std::string&) override {
    reply_.content_type = content_type;
  }
  size_t onResponseData(std::string_view bytes) override {
    if (reply_.body.size() + bytes.size() > kMaxReplyBytes) return 0;  // Aborts the transfer.
    reply_.body.append(bytes);
    return bytes.size();
  }
  void onDone(CURLcode code, long status) override {
    reply_.status = status;
    ReplyFn fn = std::move(fn_);
    Result<Reply> result = code == CURLE_OK
                               ? Result<Reply>(std::move(reply_))
                               : Result<Reply>(Error{describeFailure(client_.endpoint_, code, status, reply_.body)});
    auto self = self_;
    AgentClient& client = client_;
    client.calls_.erase(self);  // Destroys this; only locals from here on.
    fn(std::move(result));
  }

 private:
  AgentClient& client_;
  ReplyFn fn_;
  AgentRequest request_;
  Reply reply_;
  std::list<std::unique_ptr<UnaryCall>>::iterator self_;
};

AgentClient::AgentClient(uv_loop_t* loop, AgentEndpoint endpoint, uint32_t request_timeout_ms)
    : loop_(loop), endpoint_(std::move(endpoint)), request_timeout_ms_(request_timeout_ms), multi_(loop) {}

AgentClient::~AgentClient() { calls_.clear(); }

void AgentClient::call(const mesos::agent::Call& call, ReplyFn on_reply, long timeout_ms) {
  long timeout = timeout_ms == 0 ? static_cast<long>(request_timeout_ms_) : (timeout_ms < 0 ? 0 : timeout_ms);
  auto unary = std::make_unique<UnaryCall>(*this, encodeMessage(call, endpoint_.content_type),
                                           std::move(on_reply), timeout);
  calls_.push_back(std::move(unary));
  calls_.back()->start(std::prev(calls_.end()));
}

std::string describeFailure(const AgentEndpoint& endpoint, CURLcode code, long status,
                            std::string_view body) {
  if (code == CURLE_OK || (status >= 400 && code == CURLE_WRITE_ERROR)) {
    std::string text(body.substr(0, 512));
    return "agent answered " + std::to_string(status) + (text.empty() ? "" : ": " + text);
  }
  return "agent at " + endpoint.url + ": " + curl_easy_strerror(code);
}

}  // namespace airlock::agent
