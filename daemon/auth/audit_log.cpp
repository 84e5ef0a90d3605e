#include "auth/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ctime>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace airlock::auth {
namespace {

std::string isoTime(int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(unix_ms % 1000));
  return buf;
}

}  // namespace

AuditLog::~AuditLog() {
  if (fd_ >= 0) close(fd_);
}

Result<void> AuditLog::open(const std::string& path, bool to_log) {
  to_log_ = to_log;
  if (path.empty()) return {};
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) return Error::fromErrno("cannot open the audit log " + path);
  return {};
}

std::string AuditLog::format(const AuditEvent& e, int64_t unix_ms) {
  nlohmann::json line = {{"time", isoTime(unix_ms)}, {"event", e.event}, {"uid", e.uid}};
  auto put = [&](const char* key, const std::string& value) {
    if (!value.empty()) line[key] = value;
  };
  put("operation", e.operation);
  put("target", e.target);
  put("app_id", e.app_id);
  put("decision", e.decision);
  put("rule", e.rule);
  put("session_id", e.session_id);
  put("peer", e.peer);
  // Replace invalid UTF-8 rather than throw: values may come from labels.
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void AuditLog::record(const AuditEvent& event) {
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  std::string line = format(event, now);
  if (to_log_) spdlog::info("audit {}", line);
  if (fd_ < 0) return;
  line.push_back('\n');
  if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    spdlog::error("audit log write failed: {}", std::strerror(errno));
  }
}

}  // namespace airlock::auth
