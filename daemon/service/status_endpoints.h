// StatusEndpoints: GET /metrics (Prometheus text format 0.0.4, from the
// metrics registry) and GET /healthz (200 "ok" while serving, 503
// "draining" once SIGTERM started the drain). Neither needs a token: they
// carry counts, never users, tasks or sessions. Owned by the Daemon.
#pragma once

#include "service/metrics_registry.h"
#include "ws/http_endpoints.h"

namespace airlock::service {

class StatusEndpoints final : public ws::HttpEndpoints {
 public:
  explicit StatusEndpoints(metrics::Registry& registry) : registry_(registry) {}
  void setDraining() { draining_ = true; }

  // ws::HttpEndpoints
  std::optional<ws::HttpResponse> get(std::string_view path) override;

 private:
  metrics::Registry& registry_;
  bool draining_ = false;
};

}  // namespace airlock::service
