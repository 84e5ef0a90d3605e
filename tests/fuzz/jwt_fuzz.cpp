// Fuzz target: everything the daemon does with an untrusted credential
// before and around the signature check: the Authorization header and cookie
// parsers, the JWT splitter and JSON decoding, the RS256 verifier (against a
// fixed JWKS key), and the delegation-token verifier.
#include <cstddef>
#include <cstdint>
#include <string>

#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "auth/delegation.h"
#include "auth/key_set.h"
#include "auth/token_extractor.h"
#include "auth/token_verifier.h"

namespace {

// A key made once per process: signatures of fuzzed tokens never verify, so
// what is exercised is everything before and around the signature check.
const airlock::auth::KeySet& keys() {
  static const airlock::auth::KeySet set = [] {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, key);
    char* pem = nullptr;
    long len = BIO_get_mem_data(bio, &pem);
    auto set = airlock::auth::KeySet::fromPem(std::string(pem, static_cast<size_t>(len)));
    BIO_free(bio);
    EVP_PKEY_free(key);
    return std::move(*set);
  }();
  return set;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  airlock::auth::UpgradeHeaders headers{input, input, std::string("https://a.example")};
  (void)airlock::auth::extractToken(headers, {"https://a.example"});
  headers.authorization.reset();
  (void)airlock::auth::extractToken(headers, {"https://a.example"});
  auto token = airlock::auth::tokenFromAuthorization(input);
  const std::string& jwt = token ? *token : input;
  for (bool allow_missing_exp : {false, true}) {
    airlock::auth::TokenVerifier verifier({30, allow_missing_exp});
    (void)verifier.verify(jwt, keys(), 1'700'000'000);
  }
  (void)airlock::auth::verifyDelegation(std::string(32, 'k'), jwt, 1'700'000'000, 3600);
  (void)airlock::auth::peekDelegationIssuer(jwt);
  (void)airlock::auth::KeySet::fromJwks(input);
  return 0;
}
