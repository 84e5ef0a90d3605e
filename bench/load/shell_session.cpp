#include "shell_session.h"

#include <string_view>

#include "proc_stats.h"

namespace airlock::bench {

ShellSession::~ShellSession() {
  // The handle may call back into us while closing; drop it first.
  handle.reset();
}

void ShellSession::watch(std::string marker) {
  marker_ = std::move(marker);
  tail_.clear();
  seen_ns_ = -1;
}

void ShellSession::onOutput(std::span<const uint8_t> data) {
  int64_t now = nowNs();
  if (first_output_ns_ < 0) first_output_ns_ = now;
  bytes_ += data.size();
  if (marker_.empty() || seen_ns_ >= 0) return;
  std::string_view chunk(reinterpret_cast<const char*>(data.data()), data.size());
  // The boundary: the kept tail plus the head of this chunk.
  std::string joined = tail_;
  joined.append(chunk.substr(0, marker_.size() - 1));
  if (joined.find(marker_) != std::string::npos || chunk.find(marker_) != std::string_view::npos) {
    seen_ns_ = now;
    return;
  }
  size_t keep = marker_.size() - 1;
  if (chunk.size() >= keep) {
    tail_.assign(chunk.substr(chunk.size() - keep));
  } else {
    tail_.append(chunk);
    if (tail_.size() > keep) tail_.erase(0, tail_.size() - keep);
  }
}

void ShellSession::onEnded(const std::string& why) {
  ended_ = true;
  end_reason_ = why;
}

}  // namespace airlock::bench
