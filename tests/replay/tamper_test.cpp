// Every kind of tampering is caught by verify, and named.
#include "checkpoint.h"
#include "format.h"
#include "record_codec.h"
#include "recording_fixture.h"

namespace airlock::replay {
namespace {

using namespace testing;

class TamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::string> frames;
    for (int i = 0; i < 7; ++i) frames.push_back("frame " + std::to_string(i) + " output");
    writeRecording(dir_.file("a.alrec"), frames, {3, SyncPolicy::kNone});
    bytes_ = readFile(dir_.file("a.alrec"));
    spans_ = recordSpans(bytes_);
    for (const Span& s : spans_) {
      if (s.type == 2) frameSpans_.push_back(s);
    }
  }

  VerifyReport verify(const std::string& bytes) { return verifyBytes(bytes, &key_); }

  TempDir dir_;
  std::string bytes_;
  std::vector<Span> spans_;
  std::vector<Span> frameSpans_;
  VerifyKey key_ = testKey();
};

TEST_F(TamperTest, UntouchedFileIsValid) {
  auto r = verify(bytes_);
  EXPECT_EQ(r.status, VerifyStatus::kValid) << joinLines(r.problems);
  EXPECT_EQ(r.frames, 7u);
  EXPECT_EQ(r.checkpoints, 3u);  // After frames 3 and 6, and the final one.
  EXPECT_EQ(r.signedFrames, 7u);
  ASSERT_EQ(frameSpans_.size(), 7u);
}

TEST_F(TamperTest, EverySingleBitFlipAnywhereIsInvalid) {
  for (size_t i = 0; i < bytes_.size(); ++i) {
    std::string t = bytes_;
    t[i] ^= 0x01;
    auto r = verify(t);
    ASSERT_EQ(r.status, VerifyStatus::kInvalid) << "flip at offset " << i << " not detected";
    ASSERT_FALSE(r.problems.empty());
  }
}

TEST_F(TamperTest, FlippedByteInFrameDataIsNamedAsAltered) {
  std::string t = bytes_;
  const Span& f = frameSpans_[4];
  t[f.offset + f.size - 40] ^= 0x20;  // Inside the compressed data.
  auto r = verify(t);
  ASSERT_EQ(r.status, VerifyStatus::kInvalid);
  EXPECT_TRUE(anyContains(r.problems, "(frame 4) altered")) << joinLines(r.problems);
}

TEST_F(TamperTest, DroppedFrameIsNamed) {
  std::string t = bytes_;
  t.erase(frameSpans_[1].offset, frameSpans_[1].size);
  auto r = verify(t);
  ASSERT_EQ(r.status, VerifyStatus::kInvalid);
  EXPECT_TRUE(anyContains(r.problems, "frame 1 is missing (dropped)")) << joinLines(r.problems);
}

TEST_F(TamperTest, DroppedLastFramesOfASealedFileAreCaughtByTheCheckpoint) {
  std::string t = bytes_;
  t.erase(frameSpans_[6].offset, frameSpans_[6].size);
  auto r = verify(t);
  ASSERT_EQ(r.status, VerifyStatus::kInvalid);
  EXPECT_TRUE(anyContains(r.problems, "covers 7 frames but 6 precede it")) << joinLines(r.problems);
}

TEST_F(TamperTest, ReorderedFramesAreNamed) {
  const Span& a = frameSpans_[1];
  const Span& b = frameSpans_[2];
  ASSERT_EQ(a.offset + a.size, b.offset);
  std::string t = bytes_.substr(0, a.offset) + bytes_.substr(b.offset, b.size) +
                  bytes_.substr(a.offset, a.size) + bytes_.substr(b.offset + b.size);
  auto r = verify(t);
  ASSERT_EQ(r.status, VerifyStatus::kInvalid);
  EXPECT_TRUE(anyContains(r.problems, "frames reordered: frame 1")) << joinLines(r.problems);
}

TEST_F(TamperTest, SwappedHeaderIsNamed) {
  RecordingMetadata other = sampleMetadata("s-2");
  other.user = "mallory";
  writeRecording(dir_.file("b.alrec"), {"x"}, {3, SyncPolicy::kNone}, true, other);
  std::string b = readFile(dir_.file("b.alrec"));
  Span ha = recordSpans(bytes_)[0];
  Span hb = recordSpans(b)[0];
  std::string t = bytes_.substr(0, 8) + b.substr(hb.offset, hb.size) + bytes_.substr(ha.offset + ha.size);
  auto r = verify(t);
  ASSERT_EQ(r.status, VerifyStatus::kInvalid);
  EXPECT_TRUE(anyContains(r.problems, "does not chain from the header: the header was replaced"))
      << joinLines(r.problems);
}

TEST_F(TamperTest, HeaderEditedInPlaceIsNamed) {
  std::string t = bytes_;
  size_t at = t.find("alice");
  ASSERT_NE(at, std::string::npos);
  t.replace(at, 5, "bobby");
  auto r = verify(t);
  ASSERT_EQ(r.status, VerifyStatus::kInvalid);
  EXPECT_TRUE(anyContains(r.problems, "header record altered")) << joinLines(r.problems);
}

TEST_F(TamperTest, WrongKeyIsNamed) {
  auto other = RecordingSigner::generate().value();
  auto otherKey = VerifyKey::fromPem(other->publicKeyPem()).value();
  auto r = verifyBytes(bytes_, &otherKey);
  ASSERT_EQ(r.status, VerifyStatus::kInvalid);
  EXPECT_TRUE(anyContains(r.problems, "wrong key: the recording is signed with key id " +
                                          testSigner()->keyId()))
      << joinLines(r.problems);
}

// The whole file rewritten the way an attacker without the private key would:
// content edited, chain recomputed, checkpoints re-signed with another key.
std::string rechain(const std::string& bytes, const RecordingSigner& signer,
                    const std::string& sessionId) {
  std::string out = bytes.substr(0, 8);
  record::Chain prev{};
  for (const Span& s : recordSpans(bytes)) {
    std::string body = bytes.substr(s.offset + 17, s.size - 49);
    if (s.type == format::kCheckpoint) {
      auto cp = *checkpoint::decode(body);
      cp.previous = prev;
      cp.signature = signer.sign(record::asBytes(checkpoint::signedMessage(sessionId, cp))).value();
      body = checkpoint::encode(cp);
    }
    record::putHead(out, s.type, static_cast<uint32_t>(body.size()));
    out.append(reinterpret_cast<const char*>(prev.data()), 8);
    out += body;
    prev = record::chainHash(prev, s.type, record::asBytes(body));
    out.append(reinterpret_cast<const char*>(prev.data()), prev.size());
  }
  return out;
}

TEST_F(TamperTest, RewrittenAndRechainedFileFailsTheSignatures) {
  std::string t = bytes_;
  size_t at = t.find("alice");
  t.replace(at, 5, "bobby");
  auto forger = RecordingSigner::generate().value();
  std::string forged = rechain(t, *forger, "s-1");
  auto chainOnly = verifyBytes(forged, nullptr);
  EXPECT_EQ(chainOnly.status, VerifyStatus::kValid);  // The chain alone cannot tell...
  auto r = verify(forged);                            // ...the signatures can.
  ASSERT_EQ(r.status, VerifyStatus::kInvalid);
  EXPECT_TRUE(anyContains(r.problems, "signature does not verify with key " + key_.keyId()))
      << joinLines(r.problems);
  EXPECT_EQ(r.signedFrames, 0u);
}

TEST_F(TamperTest, AppendedGarbageAfterTheSealIsInvalid) {
  auto r = verify(bytes_ + std::string(100, 'x'));
  EXPECT_EQ(r.status, VerifyStatus::kInvalid);
}

TEST_F(TamperTest, WithoutAKeyTheChainIsStillCheckedButSignaturesAreNot) {
  auto r = verifyBytes(bytes_, nullptr);
  EXPECT_EQ(r.status, VerifyStatus::kValid);
  EXPECT_FALSE(r.signaturesChecked);
  EXPECT_TRUE(anyContains(r.notes, "signatures NOT checked"));
}

}  // namespace
}  // namespace airlock::replay
