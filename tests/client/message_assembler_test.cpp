#include "client/message_assembler.h"

#include <gtest/gtest.h>

#include <string>

#include "airlock_v1.pb.h"

namespace airlock::client {
namespace {

std::span<const uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string text(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

TEST(MessageAssembler, SingleFragment) {
  MessageAssembler assembler(16);
  auto r = assembler.append(bytes("hello"), true, true);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(*r);
  EXPECT_EQ(text(assembler.message()), "hello");
}

TEST(MessageAssembler, Fragments) {
  MessageAssembler assembler(16);
  EXPECT_FALSE(assembler.append(bytes("he"), true, false).value());
  EXPECT_FALSE(assembler.append(bytes("ll"), false, false).value());
  EXPECT_TRUE(assembler.append(bytes("o"), false, true).value());
  EXPECT_EQ(text(assembler.message()), "hello");
  // The next message starts afresh.
  EXPECT_TRUE(assembler.append(bytes("x"), true, true).value());
  EXPECT_EQ(text(assembler.message()), "x");
}

TEST(MessageAssembler, LimitIsInclusive) {
  MessageAssembler assembler(4);
  EXPECT_FALSE(assembler.append(bytes("ab"), true, false).value());
  EXPECT_TRUE(assembler.append(bytes("cd"), false, true).value());
  EXPECT_FALSE(assembler.append(bytes("ab"), true, false).value());
  auto r = assembler.append(bytes("cde"), false, true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, v1::FRAME_TOO_LARGE);
  // After an overflow, a continuation is refused; a new message is fine.
  EXPECT_FALSE(assembler.append(bytes("a"), false, true).ok());
  EXPECT_TRUE(assembler.append(bytes("abcd"), true, true).ok());
}

TEST(MessageAssembler, ContinuationWithoutStart) {
  MessageAssembler assembler(16);
  auto r = assembler.append(bytes("x"), false, true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, v1::BAD_FRAME);
}

}  // namespace
}  // namespace airlock::client
