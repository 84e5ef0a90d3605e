// RecordingMetadata: who, where and what a recording is about (the header
// record of every recording file, replay/FORMAT.md "Header").
//
// A plain value type: built by the daemon when a session is authorised, copied
// into the writer, returned by the reader. No threading concerns.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace airlock::replay {

struct RecordingMetadata {
  std::string sessionId;
  std::string user;                  // Authenticated principal.
  std::string target;                // Container or host the session ran in.
  std::string appId;                 // Marathon/Mesos application id, if any.
  std::vector<std::string> argv;
  bool tty = true;
  uint32_t cols = 80;                // Initial terminal size.
  uint32_t rows = 24;
  std::string term;                  // TERM given to the session.
  std::string authzDecision;         // "allow".
  std::string authzRule;             // Rule that allowed the session.
  std::string agentId;               // Mesos agent id.
  std::string hostname;
  std::string daemonVersion;
  uint64_t startTimeUnixUs = 0;      // Wall clock at the start of the recording.
  std::string inputPolicy = "redacted";  // "off", "redacted" or "full".
  std::map<std::string, std::string> labels;

  // Set by `RecordingWriter::create`, not by the caller.
  std::string signingKeyId;
  uint32_t checkpointEveryFrames = 0;
};

}  // namespace airlock::replay
