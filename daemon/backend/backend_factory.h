// createBackend: the Backend named by `config.backend` ("local" or "mesos"),
// for the Daemon. The config was validated when it was read.
#pragma once

#include <uv.h>

#include <memory>

#include "backend/child_reaper.h"
#include "backend/process.h"
#include "config/config.h"

namespace airlock::backend {

std::unique_ptr<Backend> createBackend(uv_loop_t* loop, ChildReaper& reaper,
                                       const config::Config& config);

}  // namespace airlock::backend
