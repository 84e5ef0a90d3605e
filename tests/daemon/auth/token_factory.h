// TokenFactory: test-only RSA keys (generated at test time with OpenSSL) and
// JWTs signed with them, including the malformed and hostile ones the
// verifier must refuse. Test thread only.
#pragma once

#include <openssl/evp.h>

#include <string>

#include <nlohmann/json.hpp>

#include "auth/key_set.h"

namespace airlock::auth::testing {

class TokenFactory {
 public:
  explicit TokenFactory(int bits = 2048);

  // SPKI PEM of the public key ("-----BEGIN PUBLIC KEY-----").
  std::string publicPem() const;
  // PKCS#1 PEM ("-----BEGIN RSA PUBLIC KEY-----").
  std::string publicPkcs1Pem() const;
  // A JWKS document with this key under `kid`.
  std::string jwks(const std::string& kid) const;

  // Signs header.payload with `digest` (sha256 for RS256); PSS if `pss`.
  std::string sign(const nlohmann::json& header, const nlohmann::json& payload,
                   const EVP_MD* digest = EVP_sha256(), bool pss = false) const;
  std::string rs256(const nlohmann::json& payload, const nlohmann::json& extra_header = {}) const;
  // HS256 MAC'd with `secret` (e.g. the public key PEM: alg confusion).
  static std::string hs256(const nlohmann::json& header, const nlohmann::json& payload,
                           const std::string& secret);
  static std::string unsigned_(const nlohmann::json& header, const nlohmann::json& payload);

 private:
  PkeyPtr key_;
};

}  // namespace airlock::auth::testing
