#include "auth/token_verifier.h"

#include <gtest/gtest.h>

#include "auth/base64url.h"
#include "auth/token_extractor.h"
#include "token_factory.h"

namespace airlock::auth {
namespace {

using nlohmann::json;
using testing::TokenFactory;

constexpr int64_t kNow = 1'700'000'000;

class TokenVerifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    factory_ = new TokenFactory();
    other_ = new TokenFactory();
  }
  static void TearDownTestSuite() {
    delete factory_;
    delete other_;
  }
  KeySet pemKeys() const { return *KeySet::fromPem(factory_->publicPem()); }
  Result<Principal> verify(const std::string& token, TokenPolicy policy = {}) const {
    return TokenVerifier(policy).verify(token, pemKeys(), kNow);
  }
  static json claims(int64_t exp_offset = 3600) { return {{"uid", "alice"}, {"exp", kNow + exp_offset}}; }

  static TokenFactory* factory_;
  static TokenFactory* other_;
};
TokenFactory* TokenVerifierTest::factory_ = nullptr;
TokenFactory* TokenVerifierTest::other_ = nullptr;

TEST_F(TokenVerifierTest, AcceptsAGoodDcosToken) {
  auto p = verify(factory_->rs256(claims()));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->uid, "alice");
  EXPECT_EQ(p->expires_at, kNow + 3600);
  EXPECT_TRUE(p->authenticated);
}

TEST_F(TokenVerifierTest, AcceptsPkcs1PemAndJwks) {
  auto pkcs1 = KeySet::fromPem(factory_->publicPkcs1Pem());
  ASSERT_TRUE(pkcs1) << pkcs1.error().message;
  EXPECT_TRUE(TokenVerifier({}).verify(factory_->rs256(claims()), *pkcs1, kNow));
  auto jwks = KeySet::fromJwks(factory_->jwks("k1"));
  ASSERT_TRUE(jwks) << jwks.error().message;
  EXPECT_TRUE(TokenVerifier({}).verify(factory_->rs256(claims()), *jwks, kNow));  // No kid: keys[0].
  EXPECT_TRUE(TokenVerifier({}).verify(factory_->rs256(claims(), {{"kid", "k1"}}), *jwks, kNow));
}

TEST_F(TokenVerifierTest, UnknownKidInAJwksIsReportedForARefresh) {
  auto jwks = KeySet::fromJwks(factory_->jwks("k1"));
  auto r = TokenVerifier({}).verify(factory_->rs256(claims(), {{"kid", "k2"}}), *jwks, kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, static_cast<int>(TokenError::kUnknownKid));
}

TEST_F(TokenVerifierTest, KidInjectionIsJustALookupString) {
  // A PEM key has no id: the kid is ignored, the signature still decides.
  for (std::string kid : {"../../../../dev/null", "' OR '1'='1", "/etc/passwd", "k1"}) {
    EXPECT_TRUE(verify(factory_->rs256(claims(), {{"kid", kid}}))) << kid;
    EXPECT_FALSE(verify(other_->rs256(claims(), {{"kid", kid}}))) << kid;
  }
  EXPECT_FALSE(verify(factory_->rs256(claims(), {{"kid", 7}})));
  EXPECT_FALSE(verify(factory_->rs256(claims(), {{"kid", std::string(300, 'k')}})));
}

TEST_F(TokenVerifierTest, WrongKeyAndTamperedPayloadFail) {
  EXPECT_FALSE(verify(other_->rs256(claims())));
  std::string token = factory_->rs256(claims());
  size_t dot = token.find('.');
  std::string forged = token.substr(0, dot + 1) +
                       encodeBase64Url(json{{"uid", "root"}, {"exp", kNow + 3600}}.dump()) +
                       token.substr(token.rfind('.'));
  EXPECT_FALSE(verify(forged));
}

TEST_F(TokenVerifierTest, AlgNoneIsRefused) {
  for (std::string alg : {"none", "None", "NONE", ""}) {
    auto r = verify(TokenFactory::unsigned_({{"alg", alg}, {"typ", "JWT"}}, claims()));
    ASSERT_FALSE(r) << alg;
    EXPECT_EQ(r.error().code, static_cast<int>(TokenError::kInvalid));
  }
  EXPECT_FALSE(verify(TokenFactory::unsigned_({{"typ", "JWT"}}, claims())));
}

TEST_F(TokenVerifierTest, Hs256WithThePublicKeyAsSecretIsRefused) {
  // The open DC/OS Admin Router trap: HMAC keyed with the PEM text.
  std::string spki = factory_->publicPem();
  std::string pkcs1 = factory_->publicPkcs1Pem();
  std::string spki_trimmed = spki.substr(0, spki.size() - 1);
  for (const std::string& secret : {spki, spki_trimmed, pkcs1}) {
    for (std::string alg : {"HS256", "HS384", "HS512"}) {
      EXPECT_FALSE(verify(TokenFactory::hs256({{"alg", alg}, {"typ", "JWT"}}, claims(), secret)))
          << alg;
    }
  }
}

TEST_F(TokenVerifierTest, OtherRsaAlgorithmsAreRefusedEvenWithAValidSignature) {
  EXPECT_FALSE(verify(factory_->sign({{"alg", "RS512"}}, claims(), EVP_sha512())));
  EXPECT_FALSE(verify(factory_->sign({{"alg", "RS384"}}, claims(), EVP_sha384())));
  EXPECT_FALSE(verify(factory_->sign({{"alg", "PS256"}}, claims(), EVP_sha256(), true)));
  // A SHA-512 signature under an RS256 label does not verify either.
  EXPECT_FALSE(verify(factory_->sign({{"alg", "RS256"}}, claims(), EVP_sha512())));
}

TEST_F(TokenVerifierTest, KeyCarryingHeadersAreRefused) {
  for (std::string name : {"jku", "x5u", "jwk", "x5c", "crit"}) {
    auto r = verify(factory_->rs256(claims(), {{name, "https://evil.example/keys"}}));
    ASSERT_FALSE(r) << name;
    EXPECT_NE(r.error().message.find(name), std::string::npos);
  }
}

TEST_F(TokenVerifierTest, ExpiryEdges) {
  EXPECT_FALSE(verify(factory_->rs256(claims(-1))));
  EXPECT_FALSE(verify(factory_->rs256(claims(0))));
  EXPECT_TRUE(verify(factory_->rs256(claims(1))));
  auto expired = verify(factory_->rs256(claims(-15)));
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, static_cast<int>(TokenError::kExpired));
  // Leeway: 30 s lets exp = now - 15 through, not now - 31.
  EXPECT_TRUE(verify(factory_->rs256(claims(-15)), TokenPolicy{30, false}));
  EXPECT_FALSE(verify(factory_->rs256(claims(-31)), TokenPolicy{30, false}));
  // The leeway is capped at 60 s whatever is asked.
  EXPECT_FALSE(verify(factory_->rs256(claims(-61)), TokenPolicy{3600, false}));
}

TEST_F(TokenVerifierTest, ExpMustBeAnInteger) {
  for (json exp : {json("1800000000"), json(1.8e9 + 0.5), json(nullptr), json::array(),
                   json(static_cast<uint64_t>(UINT64_MAX))}) {
    EXPECT_FALSE(verify(factory_->rs256({{"uid", "alice"}, {"exp", exp}}))) << exp.dump();
  }
}

TEST_F(TokenVerifierTest, MissingExpFollowsThePolicy) {
  std::string forever = factory_->rs256({{"uid", "dcos_adminrouter_agent"}});
  EXPECT_FALSE(verify(forever));
  EXPECT_TRUE(verify(forever, TokenPolicy{0, true}));
}

TEST_F(TokenVerifierTest, NotBeforeIsHonoured) {
  EXPECT_FALSE(verify(factory_->rs256({{"uid", "alice"}, {"exp", kNow + 60}, {"nbf", kNow + 10}})));
  EXPECT_TRUE(verify(factory_->rs256({{"uid", "alice"}, {"exp", kNow + 60}, {"nbf", kNow}})));
  EXPECT_TRUE(verify(factory_->rs256({{"uid", "alice"}, {"exp", kNow + 60}, {"nbf", kNow + 10}}),
                     TokenPolicy{10, false}));
  EXPECT_FALSE(verify(factory_->rs256({{"uid", "alice"}, {"exp", kNow + 60}, {"nbf", "soon"}})));
}

TEST_F(TokenVerifierTest, UidAlphabet) {
  for (std::string uid : std::vector<std::string>{"a", "Az09@.", "a-", "a.a", "a_a", std::string(96, 'a')}) {
    EXPECT_TRUE(verify(factory_->rs256({{"uid", uid}, {"exp", kNow + 60}}))) << uid;
  }
  for (std::string uid : std::vector<std::string>{"a!", "!a", std::string(97, 'a'), "", "../x", "a%2F", "a,b", "a b",
                          "anonymous", "caf\xc3\xa9", std::string("a\0b", 3)}) {
    EXPECT_FALSE(verify(factory_->rs256({{"uid", uid}, {"exp", kNow + 60}}))) << uid;
  }
  EXPECT_FALSE(verify(factory_->rs256({{"exp", kNow + 60}})));
  EXPECT_FALSE(verify(factory_->rs256({{"uid", nullptr}, {"exp", kNow + 60}})));
  EXPECT_FALSE(verify(factory_->rs256({{"uid", 42}, {"exp", kNow + 60}})));
}

TEST_F(TokenVerifierTest, MalformedTokensFailWithoutEchoingThem) {
  std::string good = factory_->rs256(claims());
  for (std::string bad : {std::string(""), std::string("a.b"), std::string("a.b.c.d"), good + ".",
                          std::string("!!!.???.***"), good.substr(0, good.size() - 3)}) {
    auto r = verify(bad);
    ASSERT_FALSE(r);
    if (bad.size() > 8) {
      EXPECT_EQ(r.error().message.find(bad), std::string::npos);
    }
  }
  std::string deep(200, '[');
  EXPECT_FALSE(verify(encodeBase64Url(R"({"alg":"RS256"})") + "." + encodeBase64Url(deep) + ".AA"));
}

TEST_F(TokenVerifierTest, WeakKeysAreRefused) {
  TokenFactory small(1024);
  EXPECT_FALSE(KeySet::fromPem(small.publicPem()));
  EXPECT_FALSE(KeySet::fromJwks(small.jwks("x")));
  EXPECT_FALSE(KeySet::fromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"));
  EXPECT_FALSE(KeySet::fromJwks(R"({"keys":[]})"));
  EXPECT_FALSE(KeySet::fromJwks(R"({"keys":[{"kty":"EC"}]})"));
  EXPECT_FALSE(KeySet::fromJwks("not json"));
}

TEST(TokenExtractorTest, HeaderForms) {
  std::string jwt = "aaa.bbb.ccc";
  EXPECT_EQ(*tokenFromAuthorization("token=" + jwt), jwt);
  EXPECT_EQ(*tokenFromAuthorization("Bearer " + jwt), jwt);
  EXPECT_EQ(*tokenFromAuthorization("bearer   " + jwt + " "), jwt);
  for (std::string bad : {"foo", "token=", "token=X", "Basic YWxpY2U6cHc=", "Bearer", "Bearer a.b",
                          "token=a.b.c.d", "token=a b.c.d"}) {
    EXPECT_FALSE(tokenFromAuthorization(bad)) << bad;
  }
  EXPECT_FALSE(tokenFromAuthorization("token=" + std::string(kMaxTokenBytes, 'a') + ".b.c"));
}

TEST(TokenExtractorTest, HeaderWinsAndCookieNeedsAnAllowedOrigin) {
  std::vector<std::string> origins = {"https://dcos.example"};
  UpgradeHeaders both{"token=h.h.h", "dcos-acs-auth-cookie=c.c.c", "https://dcos.example"};
  EXPECT_EQ(*extractToken(both, origins), "h.h.h");
  UpgradeHeaders bad_header{"garbage", "dcos-acs-auth-cookie=c.c.c", "https://dcos.example"};
  EXPECT_FALSE(extractToken(bad_header, origins));  // A bad header never falls back.
  UpgradeHeaders cookie{std::nullopt, "a=b; dcos-acs-auth-cookie=c.c.c; x=y", "https://dcos.example"};
  EXPECT_EQ(*extractToken(cookie, origins), "c.c.c");
  cookie.origin = "https://evil.example";
  EXPECT_FALSE(extractToken(cookie, origins));
  cookie.origin.reset();
  EXPECT_FALSE(extractToken(cookie, origins));
  cookie.origin = "https://dcos.example";
  EXPECT_FALSE(extractToken(cookie, {}));
  EXPECT_FALSE(extractToken(UpgradeHeaders{}, origins));
  UpgradeHeaders other_cookie{std::nullopt, "dcos-acs-info-cookie=c.c.c", "https://dcos.example"};
  EXPECT_FALSE(extractToken(other_cookie, origins));
}

TEST(Base64UrlTest, RoundTripAndStrictness) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe"}) {
    EXPECT_EQ(*decodeBase64Url(encodeBase64Url(s)), s);
  }
  EXPECT_FALSE(decodeBase64Url("Zm9v="));
  EXPECT_FALSE(decodeBase64Url("Zm+v"));
  EXPECT_FALSE(decodeBase64Url("Z"));
}

}  // namespace
}  // namespace airlock::auth
