// AgentRequest: one HTTP POST to the agent's /api/v1 on the CurlMulti, with
// the agent's content negotiation headers and our credentials. The response
// head, body bytes (which the listener may refuse with
// CURL_WRITEFUNC_PAUSE), a streamed request body (CURL_READFUNC_PAUSE while
// nothing is queued) and the end are reported to a Listener. Destroying the
// request stops it and closes its connection if it was live (for a launched
// session this is what makes the agent kill it). Loop thread only.
#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "agent/agent_calls.h"
#include "agent/curl_multi.h"

namespace airlock::agent {

// Where the agent is and how to talk to it (from config::AgentConfig).
struct AgentEndpoint {
  std::string url;
  ContentType content_type = ContentType::kProtobuf;
  std::string ca_file;
  std::string principal;
  std::string secret;
  std::string token;
  uint32_t connect_timeout_ms = 3000;
};

enum class RequestKind {
  kUnary,        // Whole body, whole response (GET_STATE, WAIT, KILL, REMOVE).
  kOutputStream, // LAUNCH_NESTED_CONTAINER_SESSION: a RecordIO response stream.
  kInputStream,  // ATTACH_CONTAINER_INPUT: a chunked RecordIO request body.
};

class AgentRequest {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    // The final response head (not 100 Continue) arrived.
    virtual void onResponseHead(long /*status*/, const std::string& /*content_type*/,
                                const std::string& /*message_content_type*/) {}
    // Returns `bytes.size()`, or CURL_WRITEFUNC_PAUSE to get them again later.
    virtual size_t onResponseData(std::string_view bytes) = 0;
    // Fills `buf` with request body bytes; 0 ends the body, or CURL_READFUNC_PAUSE.
    virtual size_t onUploadRead(char* /*buf*/, size_t /*size*/) { return 0; }
    // The transfer ended; `code` is CURLE_OK when the whole response arrived.
    // The listener may destroy the request from here.
    virtual void onDone(CURLcode code, long status) = 0;
  };

  // `body`: the whole request body (unary and output streams).
  AgentRequest(CurlMulti& multi, const AgentEndpoint& endpoint, RequestKind kind,
               std::string body, Listener& listener, long timeout_ms);
  ~AgentRequest();
  AgentRequest(const AgentRequest&) = delete;
  AgentRequest& operator=(const AgentRequest&) = delete;

  void start();
  // Pause/resume receiving; resuming goes through the loop (never re-enters
  // the listener from inside this call).
  void resumeReceive();
  void resumeUpload();
  bool finished() const { return finished_; }

 private:
  static size_t onCurlWrite(char* data, size_t size, size_t n, void* self);
  static size_t onCurlRead(char* buf, size_t size, size_t n, void* self);
  static size_t onCurlHeader(char* data, size_t size, size_t n, void* self);

  CurlMulti& multi_;
  Listener& listener_;
  CURL* easy_;
  curl_slist* headers_ = nullptr;
  std::string body_;
  std::string content_type_;
  std::string message_content_type_;
  bool head_seen_ = false;
  bool started_ = false;
  bool finished_ = false;
  char error_[CURL_ERROR_SIZE] = {};
};

}  // namespace airlock::agent
