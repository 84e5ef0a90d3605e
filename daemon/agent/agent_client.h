// AgentClient: the agent API on our loop: non-streaming calls with a
// callback (GET_STATE, WAIT, KILL, REMOVE), and the factory of the streaming
// requests a session uses. Owns the CurlMulti; every request it made is
// stopped when it is destroyed. Owned by the MesosBackend; loop thread only.
#pragma once

#include <uv.h>

#include <functional>
#include <list>
#include <memory>
#include <string>

#include "agent/agent_request.h"
#include "agent/curl_multi.h"

namespace airlock::agent {

struct Reply {
  long status = 0;
  std::string content_type;
  std::string body;
};

class AgentClient {
 public:
  // Bodies of unary replies beyond this are an error (GET_STATE of a very
  // busy agent is the largest).
  static constexpr size_t kMaxReplyBytes = 64u << 20;

  AgentClient(uv_loop_t* loop, AgentEndpoint endpoint, uint32_t request_timeout_ms);
  ~AgentClient();

  const AgentEndpoint& endpoint() const { return endpoint_; }
  CurlMulti& multi() { return multi_; }

  using ReplyFn = std::function<void(Result<Reply>)>;
  // `timeout_ms` 0 = the configured request timeout; -1 = none (long-poll).
  void call(const mesos::agent::Call& call, ReplyFn on_reply, long timeout_ms = 0);
  size_t inFlight() const { return calls_.size(); }

 private:
  class UnaryCall;
  uv_loop_t* loop_;
  AgentEndpoint endpoint_;
  uint32_t request_timeout_ms_;
  CurlMulti multi_;
  std::list<std::unique_ptr<UnaryCall>> calls_;
};

// "agent answered 503: Agent has not finished recovery" / "cannot reach the
// agent at URL: Couldn't connect to server".
std::string describeFailure(const AgentEndpoint& endpoint, CURLcode code, long status,
                            std::string_view body);

}  // namespace airlock::agent
