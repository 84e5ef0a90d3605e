// IamEmulator: the DC/OS IAM's user endpoints (and its public JWKS) on
// 127.0.0.1 for airlock's tests, served by the agent emulator's HttpServer. Every request re-reads
// the state file (an IamDirectory), so a test changes the answers, the mode
// (500, garbage, hang, ...) or the service token by rewriting that file, and
// every request is appended to the request log as one JSON line
// {"method", "target", "token": "ok"|"missing"|"wrong"} so a test can see
// what went over the wire without the emulator keeping the token. Loop
// thread only.
#pragma once

#include <uv.h>

#include <memory>
#include <string>

#include "airlock/result.h"
#include "http_server.h"
#include "iam_directory.h"

namespace airlock::iam {

struct IamEmulatorOptions {
  std::string state_path;     // The IamDirectory JSON, re-read per request.
  std::string requests_path;  // Where the request log is appended.
};

class IamEmulator {
 public:
  IamEmulator(uv_loop_t* loop, IamEmulatorOptions options);
  // Listens on 127.0.0.1:`port` (0 picks one); returns the bound port.
  Result<uint16_t> start(uint16_t port);
  // Closes the listener and every connection (hanging requests too).
  void stop();

 private:
  std::unique_ptr<emulator::RequestHandler> dispatch(emulator::HttpConnection& conn,
                                                     const emulator::HttpRequest& request);
  void logRequest(const emulator::HttpRequest& request, const char* token) const;

  IamEmulatorOptions options_;
  emulator::HttpServer server_;
};

}  // namespace airlock::iam
