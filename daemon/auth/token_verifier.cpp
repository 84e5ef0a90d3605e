#include "auth/token_verifier.h"
#include "airlock/peer_text.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <memory>

#include "auth/jwt.h"

namespace airlock::auth {
namespace {

constexpr size_t kMaxUidBytes = 96;
constexpr size_t kMaxKidBytes = 256;
// Headers that would let the token choose its own key, or that demand
// processing we do not do.
constexpr std::array<const char*, 5> kRefusedHeaders = {"jku", "x5u", "jwk", "x5c", "crit"};

Error invalid(std::string message) {
  return Error{std::move(message), static_cast<int>(TokenError::kInvalid)};
}

Result<void> checkHeader(const nlohmann::json& header) {
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()) return invalid("the token has no alg");
  if (*alg != "RS256") {
    return invalid("the token alg " + quotePeerText(alg->get<std::string>(), 16) +
                   " is refused: only RS256 is accepted");
  }
  for (const char* name : kRefusedHeaders) {
    if (header.contains(name)) {
      return invalid(std::string("the token header '") + name + "' is refused");
    }
  }
  if (header.contains("typ") && header["typ"] != "JWT") return invalid("the token typ is not JWT");
  if (header.contains("kid") &&
      (!header["kid"].is_string() || header["kid"].get<std::string>().size() > kMaxKidBytes)) {
    return invalid("the token kid is not a short string");
  }
  return {};
}

bool verifyRs256(const EVP_PKEY* key, const std::string& input, const std::string& signature) {
  if (signature.size() != static_cast<size_t>(EVP_PKEY_get_size(key))) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx) return false;
  // EVP_DigestVerifyInit takes a non-const key but does not modify it.
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr,
                           const_cast<EVP_PKEY*>(key)) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                          input.size()) == 1;
}

}  // namespace

bool isValidUid(const std::string& uid) {
  if (uid.empty() || uid.size() > kMaxUidBytes) return false;
  return std::all_of(uid.begin(), uid.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '@' || c == '.';
  });
}

Result<Principal> TokenVerifier::verify(const std::string& token, const KeySet& keys,
                                        int64_t now) const {
  auto jwt = parseJwt(token);
  if (!jwt) return invalid(jwt.error().message);
  if (auto r = checkHeader(jwt->header); !r) return r.error();

  std::string kid_value;
  const std::string* kid = nullptr;
  if (jwt->header.contains("kid")) {
    kid_value = jwt->header["kid"].get<std::string>();
    kid = &kid_value;
  }
  const EVP_PKEY* key = keys.find(kid);
  if (key == nullptr) {
    return Error{keys.empty() ? "no verification key is loaded" : "the token kid is unknown",
                 static_cast<int>(TokenError::kUnknownKid)};
  }
  if (!verifyRs256(key, jwt->signing_input, jwt->signature)) {
    return invalid("the token signature does not verify");
  }

  // Claims are looked at only once the signature holds.
  const auto& claims = jwt->payload;
  auto uid = claims.find("uid");
  if (uid == claims.end() || !uid->is_string()) return invalid("the token has no uid");
  std::string uid_text = uid->get<std::string>();
  if (!isValidUid(uid_text) || uid_text == "anonymous") {
    return invalid("the token uid is not a valid DC/OS uid");
  }
  int64_t leeway = std::clamp<int64_t>(policy_.leeway_seconds, 0, kMaxLeewaySeconds);
  auto exp = numericDateClaim(claims, "exp");
  if (!exp) return invalid(exp.error().message);
  if (!*exp && !policy_.allow_missing_exp) {
    return invalid("the token has no exp and auth.allow_missing_exp is false");
  }
  if (*exp && now >= **exp + leeway) {
    return Error{"the token expired at " + std::to_string(**exp),
                 static_cast<int>(TokenError::kExpired)};
  }
  auto nbf = numericDateClaim(claims, "nbf");
  if (!nbf) return invalid(nbf.error().message);
  if (*nbf && now + leeway < **nbf) {
    return invalid("the token is not valid before " + std::to_string(**nbf));
  }
  return Principal{uid_text, *exp, true, std::nullopt};
}

}  // namespace airlock::auth
