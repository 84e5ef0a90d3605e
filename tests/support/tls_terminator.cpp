#include "tls_terminator.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "command.h"
#include "listening_process.h"

namespace airlock::testing {
namespace {

using namespace std::chrono_literals;

// A port on 127.0.0.1 that was free a moment ago.
uint16_t freePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

bool accepts(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

}  // namespace

TlsTerminator::TlsTerminator(const std::string& dir, uint16_t backend_port) {
  ca_file_ = dir + "/ca.pem";
  std::string script =
      "set -e; cd '" + dir + "'; "
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
      "-subj '/CN=airlock test CA' -keyout ca.key -out ca.pem; "
      "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
      "-subj '/CN=127.0.0.1' -keyout server.key -out server.csr; "
      "printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext; "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 "
      "-extfile san.ext -out server.pem";
  auto made = runCommand({"/bin/sh", "-c", script}, {}, 30s);
  if (made.exitCode() != 0) {
    ADD_FAILURE() << "openssl could not make the test certificates: " << made.err;
    return;
  }
  for (int attempt = 0; attempt < 5 && port_ == 0; ++attempt) {
    uint16_t port = freePort();
    std::string listen = "OPENSSL-LISTEN:" + std::to_string(port) + ",bind=127.0.0.1,reuseaddr,fork,cert=" +
                         dir + "/server.pem,key=" + dir + "/server.key,verify=0";
    std::string forward = "TCP:127.0.0.1:" + std::to_string(backend_port);
    pid_t pid = fork();
    if (pid == 0) {
      execlp("socat", "socat", listen.c_str(), forward.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 100 && !accepts(port); ++i) std::this_thread::sleep_for(20ms);
    if (accepts(port)) {
      pid_ = pid;
      port_ = port;
    } else {
      stopProcess(pid, SIGKILL, 5s, "socat");
    }
  }
  if (port_ == 0) ADD_FAILURE() << "socat did not start listening (is it installed?)";
}

TlsTerminator::~TlsTerminator() {
  if (pid_ > 0) stopProcess(pid_, SIGTERM, 5s, "socat");
}

}  // namespace airlock::testing
