#include "auth/http_get.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace airlock::auth {
namespace {

struct Sink {
  std::string body;
  size_t max;
  bool overflow = false;
};

size_t onCurlWrite(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t n = size * count;
  if (sink->body.size() + n > sink->max) {
    sink->overflow = true;
    return 0;  // Aborts the transfer.
  }
  sink->body.append(data, n);
  return n;
}

}  // namespace

Result<HttpResponse> httpGet(const HttpRequest& request) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (request.url.rfind("http://", 0) != 0 && request.url.rfind("https://", 0) != 0) {
    return Error{"not an http(s) URL"};
  }
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Error{"curl_easy_init failed"};
  curl_slist* headers = nullptr;
  for (const auto& h : request.headers) headers = curl_slist_append(headers, h.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(headers,
                                                                          curl_slist_free_all);
  Sink sink{{}, request.max_body_bytes};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // Worker threads: no SIGALRM.
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, request.timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, request.timeout_ms);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onCurlWrite);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  if (!request.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, request.ca_file.c_str());
  CURLcode rc = curl_easy_perform(c);
  if (sink.overflow) return Error{"the response is larger than " + std::to_string(sink.max) + " bytes"};
  if (rc != CURLE_OK) return Error{std::string("HTTP GET failed: ") + curl_easy_strerror(rc)};
  HttpResponse response;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  response.body = std::move(sink.body);
  return response;
}

}  // namespace airlock::auth
