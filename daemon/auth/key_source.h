// KeySource: where verification keys come from and when they are refreshed.
// A PEM file or a JWKS file is read once at start; a JWKS URL (DC/OS:
// <iam>/acs/api/v1/auth/jwks) is fetched in the thread pool at start and
// again when a token names an unknown `kid`, at most once per
// `min_refresh_interval_s`. Readers get an immutable snapshot. Owned by the
// Daemon (or check-access); loop thread only, except the fetch itself.
#pragma once

#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>

#include "airlock/result.h"
#include "auth/key_set.h"

namespace airlock::auth {

struct KeySourceConfig {
  std::string public_key_file;  // PEM.
  std::string jwks_file;
  std::string jwks_url;
  uint32_t min_refresh_interval_s = 30;
  uint32_t fetch_timeout_ms = 3000;
  std::string ca_file;
};

class KeySource {
 public:
  // Reads the files now; a URL is fetched by `refresh` (or `fetchNow`).
  static Result<std::unique_ptr<KeySource>> create(const KeySourceConfig& config);

  std::shared_ptr<const KeySet> keys() const;
  bool fromUrl() const { return !config_.jwks_url.empty(); }

  // Daemon: fetches the URL in the thread pool unless one is running or the
  // last began less than `min_refresh_interval_s` ago. Returns whether a
  // fetch was started.
  bool refresh(uv_loop_t* loop);
  // check-access: fetches the URL now, blocking.
  Result<void> fetchNow();

 private:
  struct State;
  explicit KeySource(KeySourceConfig config);

  KeySourceConfig config_;
  std::shared_ptr<State> state_;
};

// Reads a whole small file (bounded by `max_bytes`).
Result<std::string> readSmallFile(const std::string& path, size_t max_bytes);

}  // namespace airlock::auth
