// IamEmulatorProcess: a real `iam-emulator` (tests/iam_emulator) started by a
// test on 127.0.0.1 port 0, with its state file and request log in a fresh
// temporary directory. `setState` rewrites the state atomically (the
// emulator re-reads it per request); `requests` reads the request log;
// `stop` makes the IAM go away (connections are then refused). Test thread
// only.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace airlock::testing {

class IamEmulatorProcess {
 public:
  explicit IamEmulatorProcess(const nlohmann::json& state);
  ~IamEmulatorProcess();
  IamEmulatorProcess(const IamEmulatorProcess&) = delete;
  IamEmulatorProcess& operator=(const IamEmulatorProcess&) = delete;

  // "http://127.0.0.1:PORT", for auth.iam_url.
  const std::string& url() const { return url_; }
  void setState(const nlohmann::json& state);
  // Every request so far: {"method", "target", "token": "ok"|"missing"|"wrong"}.
  std::vector<nlohmann::json> requests() const;
  void stop();

 private:
  std::string dir_;
  pid_t pid_ = -1;
  std::string url_;
};

std::string iamEmulatorPath();

}  // namespace airlock::testing
