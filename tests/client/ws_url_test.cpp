#include "client/ws_url.h"

#include <gtest/gtest.h>

namespace airlock::client {
namespace {

TEST(ParseWsUrl, Defaults) {
  auto url = parseWsUrl("ws://127.0.0.1:7122/");
  ASSERT_TRUE(url.ok()) << url.error().message;
  EXPECT_FALSE(url->secure);
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 7122);
  EXPECT_EQ(url->path, "/");
  auto bare = parseWsUrl("ws://localhost");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->port, 80);
  EXPECT_EQ(bare->path, "/");
  auto tls = parseWsUrl("wss://example.test/sub/path");
  ASSERT_TRUE(tls.ok());
  EXPECT_TRUE(tls->secure);
  EXPECT_EQ(tls->port, 443);
  EXPECT_EQ(tls->path, "/sub/path");
}

TEST(ParseWsUrl, Ipv6) {
  auto url = parseWsUrl("ws://[::1]:9/");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 9);
}

TEST(ParseWsUrl, Rejects) {
  for (const char* bad : {"http://x/", "ws://", "ws://:80/", "ws://h:0/", "ws://h:65536/",
                          "ws://h:12a/", "ws://h:/", "ws://u@h/", "ws://h/?q", "ws://[::1/",
                          "ws://[::1]x/"}) {
    auto url = parseWsUrl(bad);
    EXPECT_FALSE(url.ok()) << bad;
    if (!url.ok()) {
      EXPECT_NE(url.error().message.find(bad), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace airlock::client
