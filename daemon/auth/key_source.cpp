#include "auth/key_source.h"

#include <fstream>
#include <mutex>
#include <optional>

#include <spdlog/spdlog.h>

#include "auth/http_get.h"
#include "auth/thread_pool_job.h"

namespace airlock::auth {

struct KeySource::State {
  std::mutex mutex;  // Guards `keys` (published by the loop thread, read by it too).
  std::shared_ptr<const KeySet> keys = std::make_shared<KeySet>();
  KeySourceConfig config;       // The source in use; loop thread only.
  uint64_t generation = 0;      // Bumped by each reload: older fetches are dropped.
  bool fetching = false;
  uint64_t last_fetch_ms = 0;
  bool fetched_once = false;
};

Result<std::string> readSmallFile(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::fromErrno("cannot open " + path);
  std::string text(max_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > max_bytes) return Error{path + " is larger than " + std::to_string(max_bytes) + " bytes"};
  return text;
}

namespace {

Result<void> checkOneSource(const KeySourceConfig& config) {
  int sources = !config.public_key_file.empty() + !config.jwks_file.empty() + !config.jwks_url.empty();
  if (sources != 1) {
    return Error{"exactly one of auth.public_key_file, auth.jwks_file, auth.jwks_url is needed"};
  }
  return {};
}

Result<KeySet> fetchJwks(const KeySourceConfig& config) {
  auto response = httpGet(HttpRequest{config.jwks_url, {"Accept: application/json"},
                                      config.fetch_timeout_ms, kMaxJwksBytes, config.ca_file});
  if (!response) return Error{"JWKS " + config.jwks_url + ": " + response.error().message};
  if (response->status != 200) {
    return Error{"JWKS " + config.jwks_url + ": HTTP " + std::to_string(response->status)};
  }
  auto keys = KeySet::fromJwks(response->body);
  if (!keys) return Error{"JWKS " + config.jwks_url + ": " + keys.error().message};
  return keys;
}

Result<KeySet> readKeyFile(const KeySourceConfig& config) {
  const std::string& path = config.public_key_file.empty() ? config.jwks_file : config.public_key_file;
  auto text = readSmallFile(path, kMaxJwksBytes);
  if (!text) return text.error();
  auto keys = config.public_key_file.empty() ? KeySet::fromJwks(*text) : KeySet::fromPem(*text);
  if (!keys) return Error{path + ": " + keys.error().message};
  return keys;
}

// Blocking: reads the file or fetches the URL of `config`.
Result<KeySet> loadKeys(const KeySourceConfig& config) {
  return config.jwks_url.empty() ? readKeyFile(config) : fetchJwks(config);
}

}  // namespace

KeySource::KeySource() : state_(std::make_shared<State>()) {}

Result<std::unique_ptr<KeySource>> KeySource::create(const KeySourceConfig& config) {
  if (auto valid = checkOneSource(config); !valid) return valid.error();
  std::unique_ptr<KeySource> self(new KeySource());
  self->state_->config = config;
  if (config.jwks_url.empty()) {
    auto keys = readKeyFile(config);
    if (!keys) return keys.error();
    self->state_->keys = std::make_shared<KeySet>(std::move(*keys));
  }
  return self;
}

std::shared_ptr<const KeySet> KeySource::keys() const {
  std::lock_guard lock(state_->mutex);
  return state_->keys;
}

bool KeySource::fromUrl() const { return !state_->config.jwks_url.empty(); }

const KeySourceConfig& KeySource::config() const { return state_->config; }

bool KeySource::refresh(uv_loop_t* loop) {
  if (!fromUrl()) return false;
  State& s = *state_;
  uint64_t now = uv_now(loop);
  if (s.fetching ||
      (s.fetched_once && now - s.last_fetch_ms < s.config.min_refresh_interval_s * 1000ull)) {
    return false;
  }
  s.fetching = true;
  s.fetched_once = true;
  s.last_fetch_ms = now;
  auto result = std::make_shared<std::optional<Result<KeySet>>>();
  runInThreadPool(
      loop, [config = s.config, result] { result->emplace(fetchJwks(config)); },
      [state = state_, generation = s.generation, result] {
        state->fetching = false;
        if (generation != state->generation) return;  // A reload replaced the source meanwhile.
        if (!result->has_value() || !**result) {
          spdlog::error("auth: {}", result->has_value() ? (**result).error().message : "no result");
          return;
        }
        auto keys = std::make_shared<KeySet>(std::move(***result));
        spdlog::info("auth: loaded {} verification key(s) from the JWKS URL", keys->size());
        std::lock_guard lock(state->mutex);
        state->keys = std::move(keys);
      });
  return true;
}

Result<void> KeySource::fetchNow() {
  if (!fromUrl()) return {};
  auto keys = fetchJwks(state_->config);
  if (!keys) return keys.error();
  std::lock_guard lock(state_->mutex);
  state_->keys = std::make_shared<KeySet>(std::move(*keys));
  return {};
}

void KeySource::reload(uv_loop_t* loop, KeySourceConfig next,
                       std::function<void(Result<size_t>)> done) {
  if (auto valid = checkOneSource(next); !valid) return done(valid.error());
  if (loop == nullptr) return done(Error{"keys are reloaded by the daemon only"});
  auto result = std::make_shared<std::optional<Result<KeySet>>>();
  runInThreadPool(
      loop, [next, result] { result->emplace(loadKeys(next)); },
      [state = state_, loop, next, result, done = std::move(done)] {
        if (!result->has_value()) return done(Error{"the key reload did not run"});
        Result<KeySet>& loaded = **result;
        if (!loaded) return done(loaded.error());
        auto keys = std::make_shared<KeySet>(std::move(*loaded));
        size_t count = keys->size();
        {
          std::lock_guard lock(state->mutex);
          state->keys = std::move(keys);
        }
        state->config = next;
        ++state->generation;
        state->fetched_once = true;
        state->last_fetch_ms = uv_now(loop);
        done(count);
      });
}

}  // namespace airlock::auth
