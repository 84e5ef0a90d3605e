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

}  // namespace

KeySource::KeySource(KeySourceConfig config)
    : config_(std::move(config)), state_(std::make_shared<State>()) {}

Result<std::unique_ptr<KeySource>> KeySource::create(const KeySourceConfig& config) {
  int sources = !config.public_key_file.empty() + !config.jwks_file.empty() + !config.jwks_url.empty();
  if (sources != 1) {
    return Error{"exactly one of auth.public_key_file, auth.jwks_file, auth.jwks_url is needed"};
  }
  std::unique_ptr<KeySource> self(new KeySource(config));
  if (!config.public_key_file.empty() || !config.jwks_file.empty()) {
    const std::string& path = config.public_key_file.empty() ? config.jwks_file : config.public_key_file;
    auto text = readSmallFile(path, kMaxJwksBytes);
    if (!text) return text.error();
    auto keys = config.public_key_file.empty() ? KeySet::fromJwks(*text) : KeySet::fromPem(*text);
    if (!keys) return Error{path + ": " + keys.error().message};
    self->state_->keys = std::make_shared<KeySet>(std::move(*keys));
  }
  return self;
}

std::shared_ptr<const KeySet> KeySource::keys() const {
  std::lock_guard lock(state_->mutex);
  return state_->keys;
}

bool KeySource::refresh(uv_loop_t* loop) {
  if (!fromUrl()) return false;
  State& s = *state_;
  uint64_t now = uv_now(loop);
  if (s.fetching || (s.fetched_once && now - s.last_fetch_ms < config_.min_refresh_interval_s * 1000ull)) {
    return false;
  }
  s.fetching = true;
  s.fetched_once = true;
  s.last_fetch_ms = now;
  auto result = std::make_shared<std::optional<Result<KeySet>>>();
  runInThreadPool(
      loop, [config = config_, result] { result->emplace(fetchJwks(config)); },
      [state = state_, result] {
        state->fetching = false;
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
  auto keys = fetchJwks(config_);
  if (!keys) return keys.error();
  std::lock_guard lock(state_->mutex);
  state_->keys = std::make_shared<KeySet>(std::move(*keys));
  return {};
}

}  // namespace airlock::auth
