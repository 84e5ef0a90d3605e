#include "client/cli/delegate_command.h"

#include <cstdio>
#include <ctime>

#include "client/cli/exit_codes.h"

namespace airlock::client {

Result<uint32_t> parseDuration(const std::string& text) {
  constexpr uint64_t kMaxSeconds = 10ull * 365 * 24 * 3600;
  Error bad{"a duration is like 90s, 30m, 2h, 1d or 1h30m, not \"" + text.substr(0, 32) + "\""};
  if (text.empty()) return bad;
  uint64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    uint64_t n = 0;
    size_t digits = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 12; ++i, ++digits) {
      n = n * 10 + static_cast<uint64_t>(text[i] - '0');
    }
    if (digits == 0 || digits == 12) return bad;
    uint64_t unit = 1;
    if (i < text.size()) {
      switch (text[i++]) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        default: return bad;
      }
    } else if (total != 0) {
      return bad;  // "1h30": the last number needs its unit.
    }
    total += n * unit;
    if (total > kMaxSeconds) return Error{"a duration of at most 10 years, please"};
  }
  if (total == 0) return Error{"a delegation must last at least 1 s"};
  return static_cast<uint32_t>(total);
}

Result<void> DelegateCommand::start(Connection& connection) {
  connection_ = &connection;
  v1::Delegate ask;
  ask.set_target(options_.target);
  ask.set_delegate(options_.delegate);
  ask.set_lifetime_s(options_.lifetime_s);
  return connection.delegate(std::move(ask), [this](Result<v1::DelegationToken> answer) {
    onDelegation(std::move(answer));
  });
}

void DelegateCommand::onDelegation(Result<v1::DelegationToken> answer) {
  if (!answer) {
    std::fprintf(stderr, "airlock: %s\n", answer.error().message.c_str());
    answered(kExitDaemonError);
    return;
  }
  if (answer->token().empty()) {
    std::fprintf(stderr, "airlock: no delegation was issued: %s\n",
                 answer->refusal().empty() ? "the daemon gave no reason" : answer->refusal().c_str());
    answered(kExitRefused);
    return;
  }
  std::time_t expires = static_cast<std::time_t>(answer->expires_unix());
  char when[64] = "?";
  std::tm tm{};
  if (gmtime_r(&expires, &tm) != nullptr) std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::printf("%s\n", answer->token().c_str());
  std::fflush(stdout);
  std::fprintf(stderr,
               "airlock: delegation for %s on task %s until %s; they use it with "
               "'airlock exec --delegation TOKEN %s -- CMD'\n",
               answer->delegate().c_str(), answer->task_id().c_str(), when, options_.target.c_str());
  answered(0);
}

}  // namespace airlock::client
