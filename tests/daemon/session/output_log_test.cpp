#include "session/output_log.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace airlock::session {
namespace {

size_t write(OutputLog& log, const std::string& data) {
  size_t written = 0;
  while (written < data.size()) {
    auto span = log.writableSpan();
    if (span.empty()) break;
    size_t n = std::min(span.size(), data.size() - written);
    std::memcpy(span.data(), data.data() + written, n);
    log.commit(n);
    written += n;
  }
  return written;
}

std::string readAll(const OutputLog& log, uint64_t from) {
  std::string out;
  while (from < log.head()) {
    auto span = log.readable(from);
    out.append(span.data(), span.size());
    from += span.size();
  }
  return out;
}

TEST(OutputLogTest, HoldsNoStorageUntilWrittenAndReleasesItWhenDrained) {
  BufferPool pool(16, 2);
  OutputLog log(pool);
  EXPECT_FALSE(log.holdsStorage());
  EXPECT_EQ(write(log, "hello"), 5u);
  EXPECT_TRUE(log.holdsStorage());
  log.trimTo(5);
  EXPECT_FALSE(log.holdsStorage());
  EXPECT_EQ(log.used(), 0u);
}

TEST(OutputLogTest, DrainedBuffersGoBackToThePoolAndAreReused) {
  BufferPool pool(16, 1);
  OutputLog log(pool);
  write(log, "abc");
  const char* first = log.readable(0).data();
  log.trimTo(3);
  EXPECT_EQ(pool.freeCount(), 1u);
  write(log, "def");
  EXPECT_EQ(pool.freeCount(), 0u);
  EXPECT_EQ(log.readable(3).data(), first + 3);  // The same memory, no new allocation.
}

TEST(OutputLogTest, StopsAcceptingAtCapacity) {
  BufferPool pool(8, 2);
  OutputLog log(pool);
  EXPECT_EQ(write(log, "0123456789"), 8u);
  EXPECT_TRUE(log.writableSpan().empty());
  log.trimTo(3);
  EXPECT_EQ(log.writableSpan().size(), 3u);  // Wrapped space at the ring start.
}

TEST(OutputLogTest, WrapsAroundAndKeepsByteOrderAtAnyCursor) {
  BufferPool pool(7, 2);
  OutputLog log(pool);
  std::string all;
  uint64_t reader = 0;
  for (int round = 0; round < 50; ++round) {
    std::string chunk = std::to_string(round * 7919) + ";";
    size_t n = write(log, chunk);
    all += chunk.substr(0, n);
    std::string got = readAll(log, reader);
    EXPECT_EQ(got, all.substr(reader, got.size()));
    reader = log.head() - (round % 2);  // Sometimes leave one byte behind.
    if (reader < log.tail()) reader = log.tail();
    log.trimTo(reader);
  }
  EXPECT_EQ(log.head(), all.size());
}

TEST(OutputLogTest, ReadableIsContiguousUpToRingEnd) {
  BufferPool pool(8, 2);
  OutputLog log(pool);
  write(log, "abcdef");
  log.trimTo(6);
  write(log, "ghijk");  // "gh" at the end of the ring, "ijk" at its start.
  auto first = log.readable(6);
  EXPECT_EQ(std::string(first.data(), first.size()), "gh");
  auto second = log.readable(8);
  EXPECT_EQ(std::string(second.data(), second.size()), "ijk");
}

}  // namespace
}  // namespace airlock::session
