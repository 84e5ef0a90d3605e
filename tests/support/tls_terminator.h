// TlsTerminator: a real TLS server in front of a plain HTTP one, for testing
// airlockd against an https:// Mesos agent. Makes a throwaway CA and a
// server certificate for 127.0.0.1 with the openssl CLI, then runs socat
// (OPENSSL-LISTEN on 127.0.0.1, one fork per connection) forwarding to
// `backend_port`. Test thread only.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace airlock::testing {

class TlsTerminator {
 public:
  // Fails the test (and leaves `port()` 0) when openssl or socat cannot run.
  TlsTerminator(const std::string& dir, uint16_t backend_port);
  ~TlsTerminator();
  uint16_t port() const { return port_; }
  // The CA that signed the server certificate (PEM), for a client's ca_file.
  const std::string& caFile() const { return ca_file_; }

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string ca_file_;
};

}  // namespace airlock::testing
