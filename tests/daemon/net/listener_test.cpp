#include "net/listener.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace airlock::net {
namespace {

// Connects a blocking socket; returns the errno (0 on success).
int tryConnect(int family, const char* host, uint16_t port) {
  int fd = socket(family, SOCK_STREAM, 0);
  sockaddr_storage addr{};
  socklen_t len;
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&addr);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    inet_pton(AF_INET, host, &in->sin_addr);
    len = sizeof(sockaddr_in);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    inet_pton(AF_INET6, host, &in6->sin6_addr);
    len = sizeof(sockaddr_in6);
  }
  int rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), len);
  int err = rc == 0 ? 0 : errno;
  close(fd);
  return err;
}

class ListenerTest : public ::testing::Test {
 protected:
  void SetUp() override { uv_loop_init(&loop_); }
  void TearDown() override {
    uv_run(&loop_, UV_RUN_DEFAULT);
    EXPECT_EQ(uv_loop_close(&loop_), 0);  // Every handle was closed (R27).
  }
  uv_loop_t loop_;
};

TEST_F(ListenerTest, PortZeroPicksAPortAndAccepts) {
  int accepted = 0;
  auto listener = Listener::create(&loop_, "127.0.0.1", 0, [&](int fd, const PeerAddress& peer) {
    EXPECT_TRUE(peer.loopback);
    ++accepted;
    close(fd);
  });
  ASSERT_TRUE(listener.ok()) << listener.error().message;
  ASSERT_NE((*listener)->boundPort(), 0);
  EXPECT_EQ(tryConnect(AF_INET, "127.0.0.1", (*listener)->boundPort()), 0);
  for (int i = 0; i < 100 && accepted == 0; ++i) uv_run(&loop_, UV_RUN_NOWAIT), usleep(1000);
  EXPECT_EQ(accepted, 1);
  listener->reset();
}

TEST_F(ListenerTest, Ipv4LoopbackMeansOnlyIpv4Loopback) {
  auto listener = Listener::create(&loop_, "127.0.0.1", 0, [](int fd, const PeerAddress&) { close(fd); });
  ASSERT_TRUE(listener.ok());
  uint16_t port = (*listener)->boundPort();
  EXPECT_TRUE((*listener)->boundToLoopback());
  EXPECT_EQ((*listener)->boundAddress(), "127.0.0.1:" + std::to_string(port));
  // Not on IPv6 (lws would have bound "*" here), not on another 127/8 address.
  EXPECT_EQ(tryConnect(AF_INET6, "::1", port), ECONNREFUSED);
  EXPECT_EQ(tryConnect(AF_INET, "127.0.0.2", port), ECONNREFUSED);
  listener->reset();
}

TEST_F(ListenerTest, Ipv6LoopbackDoesNotWidenToIpv4) {
  auto listener = Listener::create(&loop_, "::1", 0, [](int fd, const PeerAddress&) { close(fd); });
  if (!listener.ok()) GTEST_SKIP() << "no IPv6 here: " << listener.error().message;
  uint16_t port = (*listener)->boundPort();
  EXPECT_EQ(tryConnect(AF_INET6, "::1", port), 0);
  EXPECT_EQ(tryConnect(AF_INET, "127.0.0.1", port), ECONNREFUSED);
  listener->reset();
}

TEST_F(ListenerTest, PortInUseIsAClearError) {
  auto first = Listener::create(&loop_, "127.0.0.1", 0, [](int fd, const PeerAddress&) { close(fd); });
  ASSERT_TRUE(first.ok());
  auto second = Listener::create(&loop_, "127.0.0.1", (*first)->boundPort(),
                                 [](int fd, const PeerAddress&) { close(fd); });
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("cannot listen on 127.0.0.1:"), std::string::npos);
  EXPECT_NE(second.error().message.find("Address already in use"), std::string::npos);
  first->reset();
}

TEST(LoopbackTest, ClassifiesAddresses) {
  sockaddr_storage a{};
  auto* in = reinterpret_cast<sockaddr_in*>(&a);
  in->sin_family = AF_INET;
  inet_pton(AF_INET, "127.3.4.5", &in->sin_addr);
  EXPECT_TRUE(isLoopback(a));
  inet_pton(AF_INET, "10.0.0.1", &in->sin_addr);
  EXPECT_FALSE(isLoopback(a));
  sockaddr_storage b{};
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&b);
  in6->sin6_family = AF_INET6;
  inet_pton(AF_INET6, "::ffff:127.0.0.1", &in6->sin6_addr);
  EXPECT_TRUE(isLoopback(b));
  inet_pton(AF_INET6, "fe80::1", &in6->sin6_addr);
  EXPECT_FALSE(isLoopback(b));
}

}  // namespace
}  // namespace airlock::net
