// KeySet: the RSA public keys tokens are verified with, by `kid`. Built from a
// PEM public key (SPKI or PKCS#1) or a JWKS document like DC/OS's
// `/acs/api/v1/auth/jwks`. A token without `kid` uses the first key, as DC/OS
// tokens carry none. Immutable once built; shared between threads by
// `std::shared_ptr<const KeySet>`.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/result.h"

namespace airlock::auth {

inline constexpr size_t kMaxJwksBytes = 64 * 1024;
inline constexpr size_t kMaxKeys = 16;
inline constexpr int kMinRsaBits = 2048;

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

class KeySet {
 public:
  struct Key {
    std::string kid;  // Empty for a PEM key.
    PkeyPtr pkey;
  };

  static Result<KeySet> fromPem(std::string_view pem);
  static Result<KeySet> fromJwks(std::string_view json);

  // The key for a token's `kid` (nullptr when unknown). No kid, or a set
  // whose keys have no ids, gives the first key.
  const EVP_PKEY* find(const std::string* kid) const;
  size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }

 private:
  std::vector<Key> keys_;
};

}  // namespace airlock::auth
