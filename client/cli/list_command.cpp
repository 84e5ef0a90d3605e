#include "client/cli/list_command.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "client/cli/exit_codes.h"

namespace airlock::client {
namespace {

constexpr size_t kMaxCommandColumn = 48;

std::string age(uint64_t started_ms, uint64_t now_ms) {
  if (started_ms == 0 || started_ms > now_ms) return "-";
  uint64_t s = (now_ms - started_ms) / 1000;
  if (s < 120) return std::to_string(s) + "s";
  if (s < 7200) return std::to_string(s / 60) + "m";
  if (s < 172800) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

std::string command(const v1::SessionInfo& info) {
  std::string out;
  for (const auto& arg : info.argv()) {
    if (!out.empty()) out += ' ';
    out += arg;
  }
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = '?';  // Keep the table one line each.
  }
  if (info.argv_truncated() || out.size() > kMaxCommandColumn) {
    out = out.substr(0, std::min(out.size(), kMaxCommandColumn - 3)) + "...";
  }
  return out;
}

}  // namespace

std::string formatSessionTable(const v1::Sessions& sessions, uint64_t now_unix_ms) {
  std::vector<std::vector<std::string>> rows = {
      {"SESSION", "TARGET", "USER", "PRINCIPAL", "PID", "TTY", "VIEWERS", "AGE", "COMMAND"}};
  for (const auto& s : sessions.sessions()) {
    rows.push_back({s.session_id(), s.target(), s.user().empty() ? "-" : s.user(),
                    s.principal().empty() ? "-" : s.principal(), std::to_string(s.pid()),
                    s.tty() ? "yes" : "no", std::to_string(s.viewers()),
                    age(s.started_unix_ms(), now_unix_ms), command(s)});
  }
  std::vector<size_t> widths(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - row[c].size() + 2, ' ');
    }
    out += line + "\n";
  }
  if (sessions.truncated()) {
    out += "(" + std::to_string(sessions.sessions_size()) + " of " + std::to_string(sessions.total()) +
           " sessions shown: the list was cut to fit one reply)\n";
  }
  return out;
}

Result<void> ListCommand::start(Connection& connection) {
  connection_ = &connection;
  return connection.listSessions([this](Result<v1::Sessions> s) { onSessions(std::move(s)); });
}

void ListCommand::onSessions(Result<v1::Sessions> sessions) {
  if (!sessions) {
    std::fprintf(stderr, "airlock: %s\n", sessions.error().message.c_str());
    answered(kExitDaemonError);
    return;
  }
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  std::fputs(formatSessionTable(*sessions, static_cast<uint64_t>(now)).c_str(), stdout);
  std::fflush(stdout);
  answered(0);
}

}  // namespace airlock::client
