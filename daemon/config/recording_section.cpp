#include "config/recording_config.h"
#include "config/section_reader.h"

namespace airlock::config {

Result<void> readRecordingSection(const toml::table& t, RecordingConfig& c) {
  SectionReader r(t, "recording");
  if (auto e = r.rejectUnknown({"dir", "signing_key_file", "input", "failure_policy", "sync",
                                "flush_interval_ms", "frame_max_bytes", "checkpoint_every_frames",
                                "compression_level", "compressors", "max_pending_bytes"});
      !e) {
    return e;
  }
  if (auto e = firstError({
          r.string("dir", c.dir),
          r.string("signing_key_file", c.signing_key_file),
          r.choice("input", c.input, {"off", "redacted", "full"}),
          r.choice("failure_policy", c.failure_policy, {"fail-closed", "fail-open"}),
          r.choice("sync", c.sync, {"none", "checkpoints", "every-frame"}),
          r.number("flush_interval_ms", c.flush_interval_ms, 10, 60000),
          r.number("frame_max_bytes", c.frame_max_bytes, 1024, 16 << 20),
          r.number("checkpoint_every_frames", c.checkpoint_every_frames, 1, 1 << 20),
          r.number("compression_level", c.compression_level, 1, 19),
          r.number("compressors", c.compressors, 1, 64),
          r.number("max_pending_bytes", c.max_pending_bytes, 4096, 1 << 30),
      });
      !e) {
    return e;
  }
  if (c.dir.empty()) return keyError("recording.dir", "must not be empty");
  if (c.max_pending_bytes < c.frame_max_bytes) {
    return keyError("recording.max_pending_bytes", "must be at least recording.frame_max_bytes");
  }
  return {};
}

}  // namespace airlock::config
