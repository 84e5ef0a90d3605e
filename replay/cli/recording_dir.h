// Finding recordings under `--dir`: every *.alrec file below it, and a
// command-line argument resolved as a path or a session id.
#pragma once

#include <string>
#include <vector>

#include "airlock/result.h"

namespace airlock::replay::cli {

// All recordings below `dir`, sorted by path.
std::vector<std::string> listRecordings(const std::string& dir);

// `arg` if it names a file, else the recording of session id `arg` under `dir`.
Result<std::string> resolveRecording(const std::string& dir, const std::string& arg);

}  // namespace airlock::replay::cli
