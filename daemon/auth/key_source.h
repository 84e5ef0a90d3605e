// KeySource: where verification keys come from and when they are refreshed.
// A PEM file or a JWKS file is read at start; a JWKS URL (DC/OS:
// <iam>/acs/api/v1/auth/jwks) is fetched in the thread pool at start and
// again when a token names an unknown `kid`, at most once per
// `min_refresh_interval_s`. SIGHUP (`reload`) loads the keys again, from the
// same or a newly configured source, in the thread pool, and swaps them in
// only if they load. Readers get an immutable snapshot. Owned by the Daemon
// (or check-access); loop thread only, except the loading itself.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
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
  bool fromUrl() const;
  // The source in use (changed by a successful `reload`).
  const KeySourceConfig& config() const;

  // Daemon: fetches the URL in the thread pool unless one is running or the
  // last began less than `min_refresh_interval_s` ago. Returns whether a
  // fetch was started.
  bool refresh(uv_loop_t* loop);
  // check-access: fetches the URL now, blocking.
  Result<void> fetchNow();
  // SIGHUP: loads the keys of `next` (the same source again, or a changed
  // one) in the thread pool; on success they and `next` replace the current
  // ones, else nothing changes. `done` (loop thread) gets the number of keys
  // now in use, or why the old ones stay.
  void reload(uv_loop_t* loop, KeySourceConfig next, std::function<void(Result<size_t>)> done);

 private:
  struct State;
  KeySource();

  std::shared_ptr<State> state_;
};

// Reads a whole small file (bounded by `max_bytes`).
Result<std::string> readSmallFile(const std::string& path, size_t max_bytes);

}  // namespace airlock::auth
