// Environment overrides: AIRLOCK_<SECTION>_<KEY>=value is the config key
// `section.key` (AIRLOCK_LIMITS_KILL_GRACE_MS=500 -> limits.kill_grace_ms,
// AIRLOCK_AUTH_LABEL_RULES_ENABLED=true -> auth.label_rules.enabled,
// AIRLOCK_BACKEND=mesos -> backend). They become `-o`-style overrides
// applied after the file and before the flags, so the precedence is file <
// environment < flags. The value is read like `-o`'s: TOML if it parses as
// TOML, else a string. Variables whose name starts with no config section
// (the CLI's AIRLOCK_URL and AIRLOCK_TOKEN_FILE, AIRLOCK_CONFIG) are not
// config keys and are skipped.
#pragma once

#include <string>
#include <vector>

namespace airlock::config {

// "section.key=value" for each AIRLOCK_* variable of `envp` that names a
// section, in `envp` order.
std::vector<std::string> envOverrides(char** envp);

}  // namespace airlock::config
