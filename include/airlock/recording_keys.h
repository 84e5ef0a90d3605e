// RecordingSigner and VerifyKey: the Ed25519 keys that sign recording
// checkpoints (OpenSSL EVP).
//
// A `RecordingSigner` is loaded once by the daemon from a PEM file and shared
// (immutable, safe to use from any number of threads at once). A `VerifyKey`
// is what auditors pass to `airlock-replay verify --key`. The key id is the
// hex of the first 8 bytes of SHA-256 over the raw 32-byte public key.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "airlock/result.h"

struct evp_pkey_st;

namespace airlock::replay {

inline constexpr size_t kSignatureBytes = 64;
using Signature = std::array<uint8_t, kSignatureBytes>;

class RecordingSigner {
 public:
  static Result<std::shared_ptr<const RecordingSigner>> loadPem(const std::string& path);
  static Result<std::shared_ptr<const RecordingSigner>> fromPem(const std::string& pem);
  // A fresh random key (tests, benchmarks).
  static Result<std::shared_ptr<const RecordingSigner>> generate();
  ~RecordingSigner();

  const std::string& keyId() const { return keyId_; }
  Result<Signature> sign(std::span<const uint8_t> message) const;
  std::string publicKeyPem() const;
  std::string privateKeyPem() const;

 private:
  explicit RecordingSigner(evp_pkey_st* key);
  evp_pkey_st* key_;
  std::string keyId_;
};

class VerifyKey {
 public:
  // Accepts a public or a private Ed25519 key in PEM.
  static Result<VerifyKey> loadPem(const std::string& path);
  static Result<VerifyKey> fromPem(const std::string& pem);
  VerifyKey(VerifyKey&& other) noexcept;
  VerifyKey& operator=(VerifyKey&& other) noexcept;
  ~VerifyKey();

  const std::string& keyId() const { return keyId_; }
  bool verify(std::span<const uint8_t> message, const Signature& signature) const;

 private:
  explicit VerifyKey(evp_pkey_st* key);
  evp_pkey_st* key_;
  std::string keyId_;
};

}  // namespace airlock::replay
