#include "auth/key_set.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/param_build.h>

#include <nlohmann/json.hpp>

#include "auth/base64url.h"

namespace airlock::auth {
namespace {

Result<PkeyPtr> checkRsa(PkeyPtr key, const std::string& what) {
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) return Error{what + " is not an RSA key"};
  if (EVP_PKEY_get_bits(key.get()) < kMinRsaBits) {
    return Error{what + " is shorter than " + std::to_string(kMinRsaBits) + " bits"};
  }
  return key;
}

struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

BnPtr bignumFromBase64Url(const nlohmann::json& value) {
  if (!value.is_string()) return nullptr;
  auto bytes = decodeBase64Url(value.get<std::string>());
  if (!bytes || bytes->empty()) return nullptr;
  return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes->data()),
                         static_cast<int>(bytes->size()), nullptr));
}

Result<PkeyPtr> rsaFromJwk(const nlohmann::json& jwk, const std::string& what) {
  if (!jwk.is_object()) return Error{what + " is not an object"};
  if (jwk.value("kty", "") != "RSA") return Error{what + ": kty is not RSA"};
  if (jwk.contains("alg") && jwk["alg"] != "RS256") return Error{what + ": alg is not RS256"};
  if (jwk.contains("use") && jwk["use"] != "sig") return Error{what + ": use is not sig"};
  BnPtr n = bignumFromBase64Url(jwk.value("n", nlohmann::json()));
  BnPtr e = bignumFromBase64Url(jwk.value("e", nlohmann::json()));
  if (!n || !e) return Error{what + ": n or e is missing or not base64url"};

  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> build(OSSL_PARAM_BLD_new(),
                                                                        OSSL_PARAM_BLD_free);
  if (!build || !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
      !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, e.get())) {
    return Error{what + ": out of memory"};
  }
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(
      OSSL_PARAM_BLD_to_param(build.get()), OSSL_PARAM_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr), EVP_PKEY_CTX_free);
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    return Error{what + ": not a valid RSA public key"};
  }
  return checkRsa(PkeyPtr(raw), what);
}

}  // namespace

Result<KeySet> KeySet::fromPem(std::string_view pem) {
  EVP_PKEY* raw = nullptr;
  std::unique_ptr<OSSL_DECODER_CTX, decltype(&OSSL_DECODER_CTX_free)> decoder(
      OSSL_DECODER_CTX_new_for_pkey(&raw, "PEM", nullptr, "RSA", EVP_PKEY_PUBLIC_KEY, nullptr,
                                    nullptr),
      OSSL_DECODER_CTX_free);
  const auto* data = reinterpret_cast<const unsigned char*>(pem.data());
  size_t len = pem.size();
  if (!decoder || !OSSL_DECODER_from_data(decoder.get(), &data, &len) || raw == nullptr) {
    return Error{"not a PEM RSA public key"};
  }
  auto key = checkRsa(PkeyPtr(raw), "the PEM key");
  if (!key) return key.error();
  KeySet set;
  set.keys_.push_back(Key{"", std::move(*key)});
  return set;
}

Result<KeySet> KeySet::fromJwks(std::string_view json) {
  if (json.size() > kMaxJwksBytes) return Error{"the JWKS document is larger than 64 KiB"};
  auto doc = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    return Error{"not a JWKS document ({\"keys\": [...]})"};
  }
  const auto& keys = doc["keys"];
  if (keys.empty()) return Error{"the JWKS document has no keys"};
  if (keys.size() > kMaxKeys) return Error{"the JWKS document has more than 16 keys"};
  KeySet set;
  for (size_t i = 0; i < keys.size(); ++i) {
    std::string what = "JWKS key " + std::to_string(i);
    auto key = rsaFromJwk(keys[i], what);
    if (!key) return key.error();
    std::string kid;
    if (keys[i].contains("kid")) {
      if (!keys[i]["kid"].is_string()) return Error{what + ": kid is not a string"};
      kid = keys[i]["kid"].get<std::string>();
    }
    set.keys_.push_back(Key{std::move(kid), std::move(*key)});
  }
  return set;
}

const EVP_PKEY* KeySet::find(const std::string* kid) const {
  if (keys_.empty()) return nullptr;
  if (kid == nullptr) return keys_.front().pkey.get();
  bool any_kid = false;
  for (const auto& key : keys_) {
    if (!key.kid.empty() && key.kid == *kid) return key.pkey.get();
    any_kid = any_kid || !key.kid.empty();
  }
  // Keys without ids (a PEM key, DC/OS's usual single key): a token's kid
  // selects nothing and is ignored; it is only a lookup string, never a path.
  return any_kid ? nullptr : keys_.front().pkey.get();
}

}  // namespace airlock::auth
