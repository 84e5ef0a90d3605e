#include "config/env_overrides.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace airlock::config {
namespace {

constexpr std::string_view kPrefix = "AIRLOCK_";

struct Section {
  std::string_view env;   // After the prefix, with its trailing '_'.
  std::string_view key;   // The TOML path prefix.
};

// Longest first: AUTH_LABEL_RULES_ must win over AUTH_.
constexpr Section kSections[] = {
    {"AUTH_LABEL_RULES_", "auth.label_rules."},
    {"AUTH_", "auth."},
    {"SERVER_", "server."},
    {"LIMITS_", "limits."},
    {"AGENT_", "agent."},
    {"RECORDING_", "recording."},
};
// Top-level keys, matched whole.
constexpr std::string_view kTopLevel[] = {"BACKEND"};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::vector<std::string> envOverrides(char** envp) {
  std::vector<std::string> overrides;
  for (char** entry = envp; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    size_t eq = text.find('=');
    if (eq == std::string_view::npos || text.substr(0, kPrefix.size()) != kPrefix) continue;
    std::string_view name = text.substr(kPrefix.size(), eq - kPrefix.size());
    std::string_view value = text.substr(eq + 1);
    if (std::find(std::begin(kTopLevel), std::end(kTopLevel), name) != std::end(kTopLevel)) {
      overrides.push_back(lower(name) + "=" + std::string(value));
      continue;
    }
    for (const Section& section : kSections) {
      if (name.size() > section.env.size() && name.substr(0, section.env.size()) == section.env) {
        overrides.push_back(std::string(section.key) + lower(name.substr(section.env.size())) +
                            "=" + std::string(value));
        break;
      }
    }
  }
  return overrides;
}

}  // namespace airlock::config
