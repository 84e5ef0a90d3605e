#include "backend/backend_factory.h"

#include "backend/local_backend.h"
#include "backend/mesos_backend.h"

namespace airlock::backend {

std::unique_ptr<Backend> createBackend(uv_loop_t* loop, ChildReaper& reaper,
                                       const config::Config& config) {
  if (config.backend == "mesos") return std::make_unique<MesosBackend>(loop, config);
  return std::make_unique<LocalBackend>(loop, reaper, config);
}

}  // namespace airlock::backend
