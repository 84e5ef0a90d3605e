#include "agent/agent_request.h"

#include <algorithm>
#include <cctype>

namespace airlock::agent {
namespace {

std::string headerValue(std::string_view line, std::string_view lower_name) {
  if (line.size() <= lower_name.size() || line[lower_name.size()] != ':') return {};
  for (size_t i = 0; i < lower_name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != lower_name[i]) return {};
  }
  std::string_view v = line.substr(lower_name.size() + 1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.remove_suffix(1);
  return std::string(v);
}

}  // namespace

AgentRequest::AgentRequest(CurlMulti& multi, const AgentEndpoint& endpoint, RequestKind kind,
                           std::string body, Listener& listener, long timeout_ms)
    : multi_(multi), listener_(listener), easy_(curl_easy_init()), body_(std::move(body)) {
  std::string mime(mimeOf(endpoint.content_type));
  // Spec section 2.2: the headers each call sends.
  switch (kind) {
    case RequestKind::kUnary:
      headers_ = curl_slist_append(headers_, ("Content-Type: " + mime).c_str());
      headers_ = curl_slist_append(headers_, ("Accept: " + mime).c_str());
      break;
    case RequestKind::kOutputStream:
      headers_ = curl_slist_append(headers_, ("Content-Type: " + mime).c_str());
      headers_ = curl_slist_append(headers_, "Accept: application/recordio");
      headers_ = curl_slist_append(headers_, ("Message-Accept: " + mime).c_str());
      break;
    case RequestKind::kInputStream:
      headers_ = curl_slist_append(headers_, "Content-Type: application/recordio");
      headers_ = curl_slist_append(headers_, ("Message-Content-Type: " + mime).c_str());
      headers_ = curl_slist_append(headers_, ("Accept: " + mime).c_str());
      headers_ = curl_slist_append(headers_, "Transfer-Encoding: chunked");
      break;
  }
  headers_ = curl_slist_append(headers_, "Expect:");  // libprocess has no 100-continue.
  if (!endpoint.token.empty()) {
    headers_ = curl_slist_append(headers_, ("Authorization: token=" + endpoint.token).c_str());
  }
  curl_easy_setopt(easy_, CURLOPT_URL, endpoint.url.c_str());
  curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers_);
  curl_easy_setopt(easy_, CURLOPT_POST, 1L);
  if (kind == RequestKind::kInputStream) {
    curl_easy_setopt(easy_, CURLOPT_READFUNCTION, onCurlRead);
    curl_easy_setopt(easy_, CURLOPT_READDATA, this);
  } else {
    curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, body_.data());
    curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_.size()));
  }
  if (kind != RequestKind::kUnary) {
    // A session's streams own their connections: closing LNCS kills the
    // session, so it must never be pooled or shared.
    curl_easy_setopt(easy_, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(easy_, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(easy_, CURLOPT_TCP_KEEPALIVE, 1L);
  }
  if (!endpoint.principal.empty()) {
    curl_easy_setopt(easy_, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(easy_, CURLOPT_USERNAME, endpoint.principal.c_str());
    curl_easy_setopt(easy_, CURLOPT_PASSWORD, endpoint.secret.c_str());
  }
  if (!endpoint.ca_file.empty()) curl_easy_setopt(easy_, CURLOPT_CAINFO, endpoint.ca_file.c_str());
  curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(endpoint.connect_timeout_ms));
  if (timeout_ms > 0) curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, onCurlWrite);
  curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, onCurlHeader);
  curl_easy_setopt(easy_, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_);
  curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy_, CURLOPT_PRIVATE, this);
}

AgentRequest::~AgentRequest() {
  // Curl may still call back on this handle before it is freed: detach.
  curl_easy_setopt(easy_, CURLOPT_WRITEDATA, nullptr);
  curl_easy_setopt(easy_, CURLOPT_READDATA, nullptr);
  curl_easy_setopt(easy_, CURLOPT_HEADERDATA, nullptr);
  multi_.release(easy_, headers_);
}

void AgentRequest::start() {
  started_ = true;
  multi_.add(easy_, [this](CURLcode code) {
    finished_ = true;
    long status = 0;
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
    listener_.onDone(code, status);
  });
}

void AgentRequest::resumeReceive() {
  if (!started_ || finished_) return;
  // The callbacks may destroy this request: touch no member afterwards.
  CurlMulti& multi = multi_;
  CURL* easy = easy_;
  multi.unpause(easy);
}

void AgentRequest::resumeUpload() { resumeReceive(); }

size_t AgentRequest::onCurlWrite(char* data, size_t size, size_t n, void* self) {
  auto* r = static_cast<AgentRequest*>(self);
  if (r == nullptr) return 0;  // Being freed: abort.
  return r->listener_.onResponseData(std::string_view(data, size * n));
}

size_t AgentRequest::onCurlRead(char* buf, size_t size, size_t n, void* self) {
  if (self == nullptr) return CURL_READFUNC_ABORT;
  return static_cast<AgentRequest*>(self)->listener_.onUploadRead(buf, size * n);
}

size_t AgentRequest::onCurlHeader(char* data, size_t size, size_t n, void* self) {
  auto* r = static_cast<AgentRequest*>(self);
  if (r == nullptr) return 0;
  std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    r->content_type_.clear();
    r->message_content_type_.clear();
  } else if (auto v = headerValue(line, "content-type"); !v.empty()) {
    r->content_type_ = v;
  } else if (auto v2 = headerValue(line, "message-content-type"); !v2.empty()) {
    r->message_content_type_ = v2;
  } else if (line == "\r\n" || line == "\n") {
    long status = 0;
    curl_easy_getinfo(r->easy_, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && !r->head_seen_) {
      r->head_seen_ = true;
      r->listener_.onResponseHead(status, r->content_type_, r->message_content_type_);
    }
  }
  return size * n;
}

}  // namespace airlock::agent
