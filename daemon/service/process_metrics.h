// Standard Prometheus process metrics (process_cpu_seconds_total,
// process_resident_memory_bytes, process_open_fds, process_max_fds,
// process_start_time_seconds), read from /proc/self at each scrape.
#pragma once

#include "service/metrics_registry.h"

namespace airlock::metrics {

void addProcessMetrics(Registry& registry);

}  // namespace airlock::metrics
