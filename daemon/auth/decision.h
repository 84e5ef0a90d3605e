// Decision: the answer to an AccessRequest, always with the rule that allowed
// it or the reason it was refused, so every decision can be explained and
// audited. A plain value; any thread.
#pragma once

#include <string>

namespace airlock::auth {

struct Decision {
  enum class Kind { kAllow, kDeny, kUnauthenticated };
  Kind kind = Kind::kDeny;
  std::string rule;  // Allow: the rule; otherwise the reason.

  static Decision allow(std::string rule) { return {Kind::kAllow, std::move(rule)}; }
  static Decision deny(std::string reason) { return {Kind::kDeny, std::move(reason)}; }
  static Decision unauthenticated(std::string reason) {
    return {Kind::kUnauthenticated, std::move(reason)};
  }

  bool allowed() const { return kind == Kind::kAllow; }
  // "allow", "deny" or "unauthenticated".
  const char* verdict() const {
    return kind == Kind::kAllow ? "allow" : kind == Kind::kDeny ? "deny" : "unauthenticated";
  }
  // "allow: <rule>", the line check-access and can-i print.
  std::string line() const { return std::string(verdict()) + ": " + rule; }
  // check-access exit codes: 0 allow, 1 deny, 2 unauthenticated.
  int exitCode() const { return kind == Kind::kAllow ? 0 : kind == Kind::kDeny ? 1 : 2; }
};

}  // namespace airlock::auth
