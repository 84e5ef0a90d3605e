// RecordIoDecoder: records across chunks, many per chunk, strict headers,
// the length limit, and the latched error.
#include "agent/recordio.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace airlock::agent {
namespace {

std::vector<std::string> decodeAll(RecordIoDecoder& d, const std::vector<std::string>& chunks,
                                   bool* ok = nullptr) {
  std::vector<std::string> out;
  bool good = true;
  for (const auto& c : chunks) {
    good = d.feed(c, [&](std::string_view r) { out.emplace_back(r); }) && good;
  }
  if (ok != nullptr) *ok = good;
  return out;
}

TEST(RecordIoTest, SpecWorkedExample) {
  EXPECT_EQ(encodeRecord("hello") + encodeRecord("world!"), "5\nhello6\nworld!");
  EXPECT_EQ(encodeRecord(R"({"type":"HEARTBEAT"})"), "20\n{\"type\":\"HEARTBEAT\"}");
  RecordIoDecoder d;
  EXPECT_EQ(decodeAll(d, {"5\nhello6\nworld!"}), (std::vector<std::string>{"hello", "world!"}));
  EXPECT_TRUE(d.atBoundary());
}

TEST(RecordIoTest, EverySplitPointGivesTheSameRecords) {
  std::string stream = encodeRecord("hello") + encodeRecord("") + encodeRecord(std::string(300, 'x')) +
                       encodeRecord("world!");
  std::vector<std::string> expected = {"hello", "", std::string(300, 'x'), "world!"};
  for (size_t a = 0; a <= stream.size(); ++a) {
    for (size_t b = a; b <= stream.size(); b += 7) {
      RecordIoDecoder d;
      auto got = decodeAll(d, {stream.substr(0, a), stream.substr(a, b - a), stream.substr(b)});
      ASSERT_EQ(got, expected) << a << "," << b;
    }
  }
  RecordIoDecoder bytewise;
  std::vector<std::string> chunks;
  for (char c : stream) chunks.emplace_back(1, c);
  EXPECT_EQ(decodeAll(bytewise, chunks), expected);
}

TEST(RecordIoTest, StrictHeadersLatchTheError) {
  for (std::string bad : {"\n", " 5\nhello", "5 \nhello", "5\r\nhello", "abc\n", "-1\n", "0x5\nhello"}) {
    RecordIoDecoder d;
    bool ok = true;
    auto got = decodeAll(d, {bad, "5\nhello"}, &ok);
    EXPECT_FALSE(ok) << bad;
    EXPECT_TRUE(d.failed()) << bad;
    EXPECT_TRUE(got.empty()) << bad;
  }
  RecordIoDecoder d;
  EXPECT_FALSE(d.feed("abc\n", [](std::string_view) {}));
  EXPECT_NE(d.error().find("Failed to decode length 'a"), std::string::npos) << d.error();
}

TEST(RecordIoTest, LengthLimitIsCheckedBeforeBuffering) {
  RecordIoDecoder d(16);
  bool ok = true;
  auto got = decodeAll(d, {"16\n0123456789abcdef17\n"}, &ok);
  EXPECT_FALSE(ok);
  EXPECT_EQ(got, std::vector<std::string>{"0123456789abcdef"});
  RecordIoDecoder huge;
  EXPECT_FALSE(huge.feed("99999999999999999999\n", [](std::string_view) {}));
  RecordIoDecoder digits;
  EXPECT_FALSE(digits.feed("000000000000000000001\n", [](std::string_view) {}));
}

TEST(RecordIoTest, TruncatedFinalRecordIsNotABoundary) {
  RecordIoDecoder d;
  auto got = decodeAll(d, {"5\nhel"});
  EXPECT_TRUE(got.empty());
  EXPECT_FALSE(d.atBoundary());
  EXPECT_FALSE(d.failed());
}

}  // namespace
}  // namespace airlock::agent
