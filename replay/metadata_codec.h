// RecordingMetadata <-> the header record body (protobuf RecordingHeader).
#pragma once

#include <string>
#include <string_view>

#include "airlock/recording_metadata.h"
#include "airlock/result.h"

namespace airlock::replay::metadata {

std::string encode(const RecordingMetadata& metadata);
Result<RecordingMetadata> decode(std::string_view body);

}  // namespace airlock::replay::metadata
