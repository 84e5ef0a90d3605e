// Exporters: a recording as asciicast v2, asciicast v3 (docs/recording.md
// section 1) or plain text. Output goes to any std::ostream; one thread.
//
// Mapping: o -> "o" (UTF-8 split across events reassembled, invalid bytes as
// U+FFFD); i -> "i"; r -> "r"; m -> "m"; x -> "x" (v3 only: v2 has no exit
// event); redacted input is left out (it has no data to show). v2 times are
// absolute seconds with microseconds; v3 intervals are milliseconds with the
// rounding error carried into the next interval, as the v3 spec advises.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "airlock/recording_reader.h"

namespace airlock::replay {

enum class ExportFormat { kAsciicastV2, kAsciicastV3, kTxt };

// "asciicast-v2", "asciicast-v3", "txt".
Result<ExportFormat> parseExportFormat(std::string_view name);

Result<void> exportRecording(const RecordingReader& reader, ExportFormat format,
                             std::ostream& out);

// argv as one shell-like command line (arguments with special characters quoted).
std::string joinCommand(const std::vector<std::string>& argv);

}  // namespace airlock::replay
