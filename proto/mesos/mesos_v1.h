// The Mesos v1 agent API messages (package `mesos`, `mesos.agent`), generated
// from Debian's mesos-go protos (see CMakeLists.txt). Include this rather
// than the long generated paths.
#pragma once

#include "github.com/mesos/mesos-go/api/v1/lib/agent/agent.pb.h"  // IWYU pragma: export
#include "github.com/mesos/mesos-go/api/v1/lib/mesos.pb.h"        // IWYU pragma: export
