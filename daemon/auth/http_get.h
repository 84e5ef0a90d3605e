// httpGet: one bounded, blocking HTTP GET with libcurl (timeouts, a body
// cap, no redirects, http/https only). Never called on the loop thread: the
// daemon runs it in libuv's thread pool, `check-access` directly.
#pragma once

#include <string>
#include <vector>

#include "airlock/result.h"

namespace airlock::auth {

struct HttpResponse {
  long status = 0;
  std::string body;
};

struct HttpRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value".
  long timeout_ms = 3000;
  size_t max_body_bytes = 1 << 20;
  std::string ca_file;               // Empty: the system's CAs.
};

Result<HttpResponse> httpGet(const HttpRequest& request);

}  // namespace airlock::auth
