#include "auth/delegation.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth/base64url.h"
#include "auth/jwt.h"
#include "auth/token_verifier.h"

namespace airlock::auth {
namespace {

// Clock skew tolerated on `iat` of a delegation minted on another host.
constexpr int64_t kIssuedAtSkewSeconds = 60;

std::string hmacSha256(const std::string& secret, const std::string& input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return std::string(reinterpret_cast<char*>(mac), len);
}

Result<std::string> stringClaim(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end() || !it->is_string() || it->get<std::string>().empty()) {
    return Error{std::string("the delegation has no ") + name};
  }
  return it->get<std::string>();
}

}  // namespace

std::string mintDelegation(const std::string& secret, const Delegation& d) {
  nlohmann::json header = {{"alg", "HS256"}, {"typ", kDelegationType}};
  nlohmann::json claims = {{"task_id", d.task_id}, {"sub", d.delegate}, {"iss", d.issuer},
                           {"iat", d.issued_at},   {"exp", d.expires_at}};
  std::string input = encodeBase64Url(header.dump()) + "." + encodeBase64Url(claims.dump());
  return input + "." + encodeBase64Url(hmacSha256(secret, input));
}

Result<Delegation> verifyDelegation(const std::string& secret, const std::string& token,
                                    int64_t now, int64_t max_lifetime_seconds) {
  if (secret.size() < kMinDelegationSecretBytes) return Error{"delegation tokens are not configured"};
  auto jwt = parseJwt(token);
  if (!jwt) return Error{"the delegation is malformed: " + jwt.error().message};
  if (jwt->header.value("alg", nlohmann::json()) != "HS256" ||
      jwt->header.value("typ", nlohmann::json()) != kDelegationType) {
    return Error{"the token is not an airlock delegation (HS256, typ airlock-delegation)"};
  }
  std::string mac = hmacSha256(secret, jwt->signing_input);
  if (jwt->signature.size() != mac.size() ||
      CRYPTO_memcmp(jwt->signature.data(), mac.data(), mac.size()) != 0) {
    return Error{"the delegation signature does not verify"};
  }
  Delegation d;
  auto task = stringClaim(jwt->payload, "task_id");
  auto sub = stringClaim(jwt->payload, "sub");
  auto iss = stringClaim(jwt->payload, "iss");
  auto iat = numericDateClaim(jwt->payload, "iat");
  auto exp = numericDateClaim(jwt->payload, "exp");
  if (!task || !sub || !iss) return Error{"the delegation lacks task_id, sub or iss"};
  if (!iat || !exp || !*iat || !*exp) return Error{"the delegation lacks iat or exp"};
  d = Delegation{*task, *sub, *iss, **iat, **exp};
  if (d.expires_at - d.issued_at > max_lifetime_seconds || d.expires_at < d.issued_at) {
    return Error{"the delegation lasts longer than auth.label_rules.delegation_max_lifetime_s"};
  }
  if (d.issued_at > now + kIssuedAtSkewSeconds) return Error{"the delegation is issued in the future"};
  if (now >= d.expires_at) return Error{"the delegation expired at " + std::to_string(d.expires_at)};
  return d;
}

std::string peekDelegationIssuer(const std::string& token) {
  auto jwt = parseJwt(token);
  if (!jwt) return {};
  auto iss = jwt->payload.find("iss");
  if (iss == jwt->payload.end() || !iss->is_string()) return {};
  std::string issuer = iss->get<std::string>();
  return isValidUid(issuer) ? issuer : std::string();
}

}  // namespace airlock::auth
