#include "metadata_codec.h"

#include "format.h"
#include "recording.pb.h"

namespace airlock::replay::metadata {

std::string encode(const RecordingMetadata& m) {
  airlock::recording::v1::RecordingHeader h;
  h.set_format_version(format::kFormatVersion);
  h.set_session_id(m.sessionId);
  h.set_user(m.user);
  h.set_target(m.target);
  h.set_app_id(m.appId);
  for (const auto& a : m.argv) h.add_argv(a);
  h.set_tty(m.tty);
  h.set_cols(m.cols);
  h.set_rows(m.rows);
  h.set_term(m.term);
  h.set_authz_decision(m.authzDecision);
  h.set_authz_rule(m.authzRule);
  h.set_agent_id(m.agentId);
  h.set_hostname(m.hostname);
  h.set_daemon_version(m.daemonVersion);
  h.set_start_time_unix_us(m.startTimeUnixUs);
  h.set_signing_key_id(m.signingKeyId);
  h.set_input_policy(m.inputPolicy);
  h.set_checkpoint_every_frames(m.checkpointEveryFrames);
  for (const auto& [k, v] : m.labels) (*h.mutable_labels())[k] = v;
  return h.SerializeAsString();
}

Result<RecordingMetadata> decode(std::string_view body) {
  airlock::recording::v1::RecordingHeader h;
  if (body.size() > format::kMaxHeaderBody ||
      !h.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return Error{"header record is not a valid RecordingHeader"};
  }
  if (h.format_version() != format::kFormatVersion) {
    return Error{"unsupported recording format version " + std::to_string(h.format_version())};
  }
  RecordingMetadata m;
  m.sessionId = h.session_id();
  m.user = h.user();
  m.target = h.target();
  m.appId = h.app_id();
  m.argv.assign(h.argv().begin(), h.argv().end());
  m.tty = h.tty();
  m.cols = h.cols();
  m.rows = h.rows();
  m.term = h.term();
  m.authzDecision = h.authz_decision();
  m.authzRule = h.authz_rule();
  m.agentId = h.agent_id();
  m.hostname = h.hostname();
  m.daemonVersion = h.daemon_version();
  m.startTimeUnixUs = h.start_time_unix_us();
  m.signingKeyId = h.signing_key_id();
  m.inputPolicy = h.input_policy();
  m.checkpointEveryFrames = h.checkpoint_every_frames();
  for (const auto& [k, v] : h.labels()) m.labels[k] = v;
  return m;
}

}  // namespace airlock::replay::metadata
