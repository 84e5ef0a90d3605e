#include "auth/iam_permission_source.h"

#include <optional>

#include <nlohmann/json.hpp>

#include "auth/http_get.h"
#include "auth/key_source.h"
#include "auth/permission.h"
#include "auth/thread_pool_job.h"
#include "auth/token_verifier.h"

namespace airlock::auth {
namespace {

constexpr size_t kMaxIamBodyBytes = 4 << 20;
constexpr size_t kMaxTokenFileBytes = 16 * 1024;

// `via_kind` is "user" (direct grants of `uid`) or "group" (each entry names its gid).
Result<std::vector<Grant>> grantsFrom(const nlohmann::json& list, const char* via_kind,
                                      const std::string& uid) {
  std::vector<Grant> grants;
  if (!list.is_array()) return Error{std::string("IAM: '") + via_kind + "' is not a list"};
  for (const auto& entry : list) {
    if (!entry.is_object() || !entry.contains("rid") || !entry["rid"].is_string() ||
        !entry.contains("actions") || !entry["actions"].is_array()) {
      return Error{"IAM: a permission entry lacks rid or actions"};
    }
    Grant grant;
    grant.rid = normalizeRid(entry["rid"].get<std::string>());
    for (const auto& action : entry["actions"]) {
      if (!action.is_object() || !action.contains("name") || !action["name"].is_string()) {
        return Error{"IAM: an action lacks its name"};
      }
      grant.actions.insert(action["name"].get<std::string>());
    }
    std::string gid = entry.contains("gid") && entry["gid"].is_string() ? entry["gid"].get<std::string>() : "";
    // A group entry without its gid is explained as the user's own grant.
    grant.via = gid.empty() ? "user " + uid + " (IAM)" : std::string(via_kind) + " " + gid + " (IAM)";
    grants.push_back(std::move(grant));
  }
  return grants;
}

}  // namespace

Result<Subject> subjectFromIam(const std::string& uid, const std::string& permissions_json,
                               const std::string& groups_json) {
  auto perms = nlohmann::json::parse(permissions_json, nullptr, false);
  auto groups = nlohmann::json::parse(groups_json, nullptr, false);
  if (perms.is_discarded() || !perms.is_object()) return Error{"IAM: permissions are not JSON"};
  if (groups.is_discarded() || !groups.is_object()) return Error{"IAM: groups are not JSON"};
  Subject subject;
  subject.uid = uid;
  auto direct = grantsFrom(perms.value("direct", nlohmann::json::array()), "user", uid);
  if (!direct) return direct.error();
  auto via_groups = grantsFrom(perms.value("groups", nlohmann::json::array()), "group", uid);
  if (!via_groups) return via_groups.error();
  subject.grants = std::move(*direct);
  for (auto& g : *via_groups) subject.grants.push_back(std::move(g));
  const auto& array = groups.value("array", nlohmann::json());
  if (!array.is_array()) return Error{"IAM: the group list has no 'array'"};
  for (const auto& entry : array) {
    if (!entry.is_object() || !entry.contains("group") || !entry["group"].is_object() ||
        !entry["group"].contains("gid") || !entry["group"]["gid"].is_string()) {
      return Error{"IAM: a group entry lacks group.gid"};
    }
    subject.groups.push_back(entry["group"]["gid"].get<std::string>());
  }
  return subject;
}

struct IamPermissionSource::Shared {
  std::string token;
  std::map<std::string, Cached> cache;
  std::map<std::string, std::vector<Done>> waiters;
};

IamPermissionSource::IamPermissionSource(uv_loop_t* loop, IamConfig config, std::string token)
    : loop_(loop), config_(std::move(config)), shared_(std::make_shared<Shared>()) {
  shared_->token = std::move(token);
  if (config_.cache_s > kMaxIamCacheSeconds) config_.cache_s = kMaxIamCacheSeconds;
}

Result<std::unique_ptr<IamPermissionSource>> IamPermissionSource::create(uv_loop_t* loop,
                                                                         IamConfig config) {
  std::string token;
  if (!config.token_file.empty()) {
    auto text = readSmallFile(config.token_file, kMaxTokenFileBytes);
    if (!text) return text.error();
    token = *text;
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  }
  while (!config.url.empty() && config.url.back() == '/') config.url.pop_back();
  return std::unique_ptr<IamPermissionSource>(
      new IamPermissionSource(loop, std::move(config), std::move(token)));
}

namespace {

Result<Subject> fetchSubject(const IamConfig& config, const std::string& token,
                             const std::string& uid) {
  // `uid` is in the DC/OS alphabet, so it goes into the path unencoded.
  if (!isValidUid(uid)) return Error{"IAM: invalid uid"};
  HttpRequest request{"", {"Accept: application/json"}, config.timeout_ms, kMaxIamBodyBytes,
                      config.ca_file};
  if (!token.empty()) request.headers.push_back("Authorization: token=" + token);
  std::string bodies[2];
  const char* paths[2] = {"/permissions", "/groups"};
  for (int i = 0; i < 2; ++i) {
    request.url = config.url + "/acs/api/v1/users/" + uid + paths[i];
    auto response = httpGet(request);
    if (!response) return Error{"IAM: " + response.error().message};
    if (response->status != 200) {
      return Error{"IAM: GET users/" + uid + paths[i] + " answered HTTP " +
                   std::to_string(response->status)};
    }
    bodies[i] = std::move(response->body);
  }
  return subjectFromIam(uid, bodies[0], bodies[1]);
}

}  // namespace

void IamPermissionSource::lookup(const std::string& uid, Done done) {
  uint64_t now = uv_now(loop_);
  auto& cache = shared_->cache;
  if (auto it = cache.find(uid); it != cache.end()) {
    if (now - it->second.fetched_ms < config_.cache_s * 1000ull) {
      done(it->second.subject);
      return;
    }
    cache.erase(it);
  }
  auto& waiting = shared_->waiters[uid];
  waiting.push_back(std::move(done));
  if (waiting.size() > 1) return;  // A fetch is already running.
  auto result = std::make_shared<std::optional<Result<Subject>>>();
  // Config and token are copied: the job may end after the source is gone.
  runInThreadPool(
      loop_,
      [config = config_, token = shared_->token, uid, result] {
        result->emplace(fetchSubject(config, token, uid));
      },
      [shared = shared_, loop = loop_, uid, result] {
        Result<Subject> outcome = std::move(**result);
        if (outcome) {
          if (shared->cache.size() >= kMaxIamCacheEntries) shared->cache.clear();
          shared->cache[uid] = Cached{*outcome, uv_now(loop)};
        }
        auto waiters = std::move(shared->waiters[uid]);
        shared->waiters.erase(uid);
        for (auto& w : waiters) w(outcome);
      });
}

Result<Subject> IamPermissionSource::lookupBlocking(const std::string& uid) {
  return fetchSubject(config_, shared_->token, uid);
}

Result<void> IamPermissionSource::reload() {
  shared_->cache.clear();
  return {};
}

}  // namespace airlock::auth
