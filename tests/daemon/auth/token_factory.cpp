#include "token_factory.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/encoder.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include <memory>
#include <stdexcept>

#include "auth/base64url.h"

namespace airlock::auth::testing {
namespace {

std::string encodeKey(EVP_PKEY* key, const char* structure) {
  std::unique_ptr<OSSL_ENCODER_CTX, decltype(&OSSL_ENCODER_CTX_free)> ctx(
      OSSL_ENCODER_CTX_new_for_pkey(key, EVP_PKEY_PUBLIC_KEY, "PEM", structure, nullptr),
      OSSL_ENCODER_CTX_free);
  unsigned char* data = nullptr;
  size_t len = 0;
  if (!ctx || !OSSL_ENCODER_to_data(ctx.get(), &data, &len)) throw std::runtime_error("encode");
  std::string out(reinterpret_cast<char*>(data), len);
  OPENSSL_free(data);
  return out;
}

std::string bnParam(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (!EVP_PKEY_get_bn_param(key, name, &bn)) throw std::runtime_error("bn");
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  BN_free(bn);
  return encodeBase64Url(bytes);
}

}  // namespace

TokenFactory::TokenFactory(int bits) {
  key_.reset(EVP_RSA_gen(static_cast<unsigned>(bits)));
  if (!key_) throw std::runtime_error("RSA keygen failed");
}

std::string TokenFactory::publicPem() const { return encodeKey(key_.get(), "SubjectPublicKeyInfo"); }
std::string TokenFactory::publicPkcs1Pem() const { return encodeKey(key_.get(), "type-specific"); }

std::string TokenFactory::jwks(const std::string& kid) const {
  nlohmann::json key = {{"kty", "RSA"}, {"alg", "RS256"}, {"use", "sig"},
                        {"n", bnParam(key_.get(), OSSL_PKEY_PARAM_RSA_N)},
                        {"e", bnParam(key_.get(), OSSL_PKEY_PARAM_RSA_E)}};
  if (!kid.empty()) key["kid"] = kid;
  return nlohmann::json{{"keys", {key}}}.dump();
}

std::string TokenFactory::sign(const nlohmann::json& header, const nlohmann::json& payload,
                               const EVP_MD* digest, bool pss) const {
  std::string input = encodeBase64Url(header.dump()) + "." + encodeBase64Url(payload.dump());
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  EVP_DigestSignInit(ctx.get(), &pctx, digest, nullptr, key_.get());
  if (pss) EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
  size_t len = 0;
  EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                 input.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(input.data()), input.size());
  sig.resize(len);
  return input + "." + encodeBase64Url(sig);
}

std::string TokenFactory::rs256(const nlohmann::json& payload, const nlohmann::json& extra) const {
  nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  if (extra.is_object()) header.update(extra);
  return sign(header, payload);
}

std::string TokenFactory::hs256(const nlohmann::json& header, const nlohmann::json& payload,
                                const std::string& secret) {
  std::string input = encodeBase64Url(header.dump()) + "." + encodeBase64Url(payload.dump());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return input + "." + encodeBase64Url(std::string(reinterpret_cast<char*>(mac), len));
}

std::string TokenFactory::unsigned_(const nlohmann::json& header, const nlohmann::json& payload) {
  return encodeBase64Url(header.dump()) + "." + encodeBase64Url(payload.dump()) + ".";
}

}  // namespace airlock::auth::testing
