// RecordingConfig: the [recording] section: where and how sessions are
// recorded (replay/FORMAT.md), what happens when recording fails, and how
// keystrokes are kept. Plain values; read at start-up.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <string>

#include "airlock/result.h"

namespace airlock::config {

struct RecordingConfig {
  std::string dir = "/var/lib/airlockd/recordings";
  // Ed25519 private key (PEM). Empty: DIR/.keys/signing.pem, created on first start.
  std::string signing_key_file;
  std::string input = "redacted";             // off | redacted | full
  std::string failure_policy = "fail-closed";  // fail-closed | fail-open
  std::string sync = "checkpoints";            // none | checkpoints | every-frame
  uint32_t flush_interval_ms = 1000;           // A frame closes at least this often...
  uint32_t frame_max_bytes = 64 * 1024;        // ...or when it holds this much.
  uint32_t checkpoint_every_frames = 16;
  uint32_t compression_level = 3;
  uint32_t compressors = 4;                    // zstd contexts shared by all sessions.
  uint32_t max_pending_bytes = 1 << 20;        // Per session; beyond it the session waits.
};

Result<void> readRecordingSection(const toml::table& table, RecordingConfig& out);

}  // namespace airlock::config
