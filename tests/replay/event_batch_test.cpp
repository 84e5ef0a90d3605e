#include "airlock/event_batch.h"

#include <gtest/gtest.h>

namespace airlock::replay {
namespace {

TEST(EventBatchTest, CoalescesAdjacentOutputWithinTheWindow) {
  EventBatch b(1000);
  b.addOutput(10, "ab");
  b.addOutput(900, "cd");    // Within 1 ms of the first: merged.
  b.addOutput(5000, "ef");   // Too late: a new event.
  b.addInput(5000, "x");
  b.addOutput(5001, "gh");   // Input in between: a new event.
  ASSERT_EQ(b.eventCount(), 4u);
  EXPECT_EQ(b.dataOf(b.entries()[0]), "abcd");
  EXPECT_EQ(b.entries()[0].timeUs, 10u);
  EXPECT_EQ(b.dataOf(b.entries()[1]), "ef");
  EXPECT_EQ(b.dataOf(b.entries()[3]), "gh");
}

TEST(EventBatchTest, ClampsTimesThatGoBackwards) {
  EventBatch b(0);
  b.addOutput(100, "a");
  b.addMarker(50, "m");
  EXPECT_EQ(b.entries()[1].timeUs, 100u);
}

TEST(EventBatchTest, DueBySizeOrAge) {
  FramePolicy policy{8, 1'000'000};
  EventBatch b;
  EXPECT_FALSE(b.due(5'000'000, policy));
  b.addOutput(0, "1234");
  EXPECT_FALSE(b.due(999'999, policy));
  EXPECT_TRUE(b.due(1'000'000, policy));
  b.addOutput(10, "5678");
  EXPECT_TRUE(b.due(10, policy));
}

TEST(EventBatchTest, RedactedInputHasNoBytesAndClearReleasesMemory) {
  EventBatch b;
  b.addRedactedInput(1);
  b.addRedactedInput(2);  // Coalesced: one marker per burst.
  ASSERT_EQ(b.eventCount(), 1u);
  EXPECT_EQ(b.entries()[0].length, 0u);
  b.clear();
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.dataBytes(), 0u);
}

}  // namespace
}  // namespace airlock::replay
