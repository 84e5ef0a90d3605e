// newUuid4: a random RFC 4122 version-4 UUID in its text form, from the
// kernel's CSPRNG. Session ids and Mesos container ids use it. Any thread.
#pragma once

#include <string>

namespace airlock::util {

std::string newUuid4();

}  // namespace airlock::util
