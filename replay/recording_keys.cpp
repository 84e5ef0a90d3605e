#include "airlock/recording_keys.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <sstream>

#include "record_codec.h"

namespace airlock::replay {

namespace {

constexpr size_t kMaxPemBytes = 64 * 1024;
constexpr size_t kKeyIdBytes = 8;

std::string opensslError(std::string_view what) {
  unsigned long e = ERR_get_error();
  char buf[256] = "unknown error";
  if (e != 0) ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return std::string(what) + ": " + buf;
}

Result<std::string> readPemFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::fromErrno("cannot open key file " + path);
  std::string pem(kMaxPemBytes + 1, '\0');
  in.read(pem.data(), static_cast<std::streamsize>(pem.size()));
  pem.resize(static_cast<size_t>(in.gcount()));
  if (pem.size() > kMaxPemBytes) return Error{"key file " + path + " is too large"};
  return pem;
}

// PEM private key -> EVP_PKEY (Ed25519 only). `allowPublic` also accepts a public key.
Result<EVP_PKEY*> parsePem(const std::string& pem, bool allowPublic) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return Error{"out of memory"};
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  if (key == nullptr && allowPublic) {
    ERR_clear_error();
    BIO_reset(bio);
    key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  }
  BIO_free(bio);
  if (key == nullptr) return Error{opensslError("cannot parse PEM key")};
  if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(key);
    return Error{"key is not Ed25519"};
  }
  return key;
}

std::string keyIdOf(EVP_PKEY* key) {
  uint8_t raw[32];
  size_t len = sizeof raw;
  if (EVP_PKEY_get_raw_public_key(key, raw, &len) != 1 || len != sizeof raw) return "";
  uint8_t digest[32];
  unsigned int dlen = 0;
  EVP_Digest(raw, len, digest, &dlen, EVP_sha256(), nullptr);
  return record::toHex(std::span<const uint8_t>(digest, kKeyIdBytes));
}

std::string writePem(EVP_PKEY* key, bool privatePart) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return "";
  int ok = privatePart
               ? PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr)
               : PEM_write_bio_PUBKEY(bio, key);
  std::string out;
  if (ok == 1) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    out.assign(data, static_cast<size_t>(n));
  }
  BIO_free(bio);
  return out;
}

}  // namespace

RecordingSigner::RecordingSigner(evp_pkey_st* key) : key_(key), keyId_(keyIdOf(key)) {}

RecordingSigner::~RecordingSigner() { EVP_PKEY_free(key_); }

Result<std::shared_ptr<const RecordingSigner>> RecordingSigner::loadPem(const std::string& path) {
  auto pem = readPemFile(path);
  if (!pem) return pem.error();
  return fromPem(*pem);
}

Result<std::shared_ptr<const RecordingSigner>> RecordingSigner::fromPem(const std::string& pem) {
  auto key = parsePem(pem, false);
  if (!key) return key.error();
  return std::shared_ptr<const RecordingSigner>(new RecordingSigner(*key));
}

Result<std::shared_ptr<const RecordingSigner>> RecordingSigner::generate() {
  EVP_PKEY* key = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  bool ok = ctx != nullptr && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &key) == 1;
  EVP_PKEY_CTX_free(ctx);
  if (!ok) return Error{opensslError("cannot generate an Ed25519 key")};
  return std::shared_ptr<const RecordingSigner>(new RecordingSigner(key));
}

Result<Signature> RecordingSigner::sign(std::span<const uint8_t> message) const {
  // EVP_PKEY is read-only here, so concurrent signing from several threads is safe;
  // each call has its own EVP_MD_CTX.
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  Signature sig{};
  size_t len = sig.size();
  bool ok = ctx != nullptr && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_) == 1 &&
            EVP_DigestSign(ctx, sig.data(), &len, message.data(), message.size()) == 1 &&
            len == sig.size();
  EVP_MD_CTX_free(ctx);
  if (!ok) return Error{opensslError("Ed25519 signing failed")};
  return sig;
}

std::string RecordingSigner::publicKeyPem() const { return writePem(key_, false); }
std::string RecordingSigner::privateKeyPem() const { return writePem(key_, true); }

VerifyKey::VerifyKey(evp_pkey_st* key) : key_(key), keyId_(keyIdOf(key)) {}

VerifyKey::VerifyKey(VerifyKey&& other) noexcept
    : key_(std::exchange(other.key_, nullptr)), keyId_(std::move(other.keyId_)) {}

VerifyKey& VerifyKey::operator=(VerifyKey&& other) noexcept {
  if (this != &other) {
    EVP_PKEY_free(key_);
    key_ = std::exchange(other.key_, nullptr);
    keyId_ = std::move(other.keyId_);
  }
  return *this;
}

VerifyKey::~VerifyKey() { EVP_PKEY_free(key_); }

Result<VerifyKey> VerifyKey::loadPem(const std::string& path) {
  auto pem = readPemFile(path);
  if (!pem) return pem.error();
  return fromPem(*pem);
}

Result<VerifyKey> VerifyKey::fromPem(const std::string& pem) {
  auto key = parsePem(pem, true);
  if (!key) return key.error();
  return VerifyKey(*key);
}

bool VerifyKey::verify(std::span<const uint8_t> message, const Signature& signature) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key_) == 1 &&
            EVP_DigestVerify(ctx, signature.data(), signature.size(), message.data(),
                             message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  ERR_clear_error();
  return ok;
}

}  // namespace airlock::replay
