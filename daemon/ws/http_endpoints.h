// HttpEndpoints: plain HTTP GET resources served beside the WebSocket (the
// daemon's /metrics and /healthz). WsServer asks it for every non-upgrade
// request and answers 404 when it has nothing. Implemented by
// service::StatusEndpoints; loop thread only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace airlock::ws {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class HttpEndpoints {
 public:
  virtual ~HttpEndpoints() = default;
  // `path` without the query string; nullopt: not found.
  virtual std::optional<HttpResponse> get(std::string_view path) = 0;
};

}  // namespace airlock::ws
