#include "airlock/compressor_pool.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <thread>
#include <vector>

namespace airlock::replay {
namespace {

TEST(CompressorPoolTest, ProducesIndependentFramesAndBoundsContexts) {
  CompressorPool pool({3, 2});
  std::vector<std::thread> threads;
  std::atomic<int> failures = 0;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        std::string src(10000 + t * 100 + i, static_cast<char>('a' + t));
        std::string out = "prefix";
        if (!pool.compressFrame(src, out).ok()) ++failures;
        std::string back(src.size(), '\0');
        size_t n = ZSTD_decompress(back.data(), back.size(), out.data() + 6, out.size() - 6);
        if (ZSTD_isError(n) || back != src) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  EXPECT_LE(pool.contextsCreated(), 2u);
  EXPECT_GE(pool.contextsCreated(), 1u);
}

}  // namespace
}  // namespace airlock::replay
