#include "service/status_endpoints.h"

namespace airlock::service {

std::optional<ws::HttpResponse> StatusEndpoints::get(std::string_view path) {
  if (path == "/metrics") {
    return ws::HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", registry_.render()};
  }
  if (path == "/healthz") {
    if (draining_) return ws::HttpResponse{503, "text/plain; charset=utf-8", "draining\n"};
    return ws::HttpResponse{200, "text/plain; charset=utf-8", "ok\n"};
  }
  return std::nullopt;
}

}  // namespace airlock::service
