#include "client/outbox.h"

#include <gtest/gtest.h>

#include <string>

namespace airlock::client {
namespace {

constexpr size_t kHeadroom = 16;

std::span<const uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// The frame bytes of the front entry, headroom stripped.
std::string frontFrame(Outbox& outbox) { return outbox.front().substr(kHeadroom); }

TEST(Outbox, KeepsHeadroomAndEncodes) {
  Outbox outbox(kHeadroom, 1024, 16);
  ASSERT_TRUE(outbox.push(Outbox::Lane::kOrdered, proto::FrameType::kStdin, 3, bytes("ab")));
  EXPECT_EQ(outbox.front().size(), kHeadroom + proto::kHeaderBytes + 2);
  EXPECT_EQ(frontFrame(outbox), proto::encodeFrame(proto::FrameType::kStdin, 3, bytes("ab")));
}

TEST(Outbox, UrgentLaneGoesFirstOrderedKeepsOrder) {
  Outbox outbox(kHeadroom, 1024, 16);
  ASSERT_TRUE(outbox.push(Outbox::Lane::kOrdered, proto::FrameType::kStdin, 1, bytes("a")));
  ASSERT_TRUE(outbox.push(Outbox::Lane::kOrdered, proto::FrameType::kCloseStdin, 1));
  v1::Credit credit;
  credit.set_bytes(5);
  ASSERT_TRUE(outbox.push(Outbox::Lane::kUrgent, proto::FrameType::kCredit, 1, credit));
  EXPECT_EQ(frontFrame(outbox)[0], static_cast<char>(proto::FrameType::kCredit));
  outbox.pop();
  EXPECT_EQ(frontFrame(outbox)[0], static_cast<char>(proto::FrameType::kStdin));
  outbox.pop();
  EXPECT_EQ(frontFrame(outbox)[0], static_cast<char>(proto::FrameType::kCloseStdin));
  outbox.pop();
  EXPECT_TRUE(outbox.empty());
  EXPECT_EQ(outbox.queuedBytes(), 0u);
}

TEST(Outbox, BoundsDataBytes) {
  Outbox outbox(kHeadroom, 20, 16);
  EXPECT_EQ(outbox.dataSpace(), 15u);
  ASSERT_TRUE(outbox.push(Outbox::Lane::kOrdered, proto::FrameType::kStdin, 1,
                          bytes(std::string(10, 'x'))));
  EXPECT_EQ(outbox.queuedBytes(), 15u);
  EXPECT_EQ(outbox.dataSpace(), 0u);
  EXPECT_FALSE(outbox.push(Outbox::Lane::kOrdered, proto::FrameType::kStdin, 1, bytes("y")));
  // Empty control frames still fit; they are bounded by count only.
  EXPECT_TRUE(outbox.push(Outbox::Lane::kOrdered, proto::FrameType::kCloseStdin, 1));
}

TEST(Outbox, BoundsFrameCount) {
  Outbox outbox(kHeadroom, 1024, 2);
  EXPECT_TRUE(outbox.push(Outbox::Lane::kUrgent, proto::FrameType::kPing, 0, bytes("1")));
  EXPECT_TRUE(outbox.push(Outbox::Lane::kOrdered, proto::FrameType::kList, 0));
  EXPECT_TRUE(outbox.full());
  EXPECT_FALSE(outbox.push(Outbox::Lane::kUrgent, proto::FrameType::kPing, 0, bytes("2")));
  EXPECT_FALSE(outbox.pushRaw(bytes("raw")));
}

TEST(Outbox, RawFramesAreVerbatim) {
  Outbox outbox(kHeadroom, 1024, 4);
  ASSERT_TRUE(outbox.pushRaw(bytes("\x63junk")));
  EXPECT_EQ(frontFrame(outbox), "\x63junk");
}

}  // namespace
}  // namespace airlock::client
