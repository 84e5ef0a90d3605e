#include "iam_emulator_process.h"

#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "listening_process.h"

namespace airlock::testing {

std::string iamEmulatorPath() { return AIRLOCK_TEST_IAM_EMULATOR; }

IamEmulatorProcess::IamEmulatorProcess(const nlohmann::json& state) {
  char tmpl[] = "/tmp/airlock-iam-XXXXXX";
  dir_ = mkdtemp(tmpl);
  setState(state);
  Started started = startListening(
      {iamEmulatorPath(), "--state", dir_ + "/state.json", "--requests", dir_ + "/requests.jsonl"});
  pid_ = started.pid;
  url_ = started.url;
  if (pid_ > 0 && url_.empty()) {
    ADD_FAILURE() << "iam-emulator did not report its address: '" << started.first_line << "'";
  }
}

IamEmulatorProcess::~IamEmulatorProcess() {
  stop();
  std::filesystem::remove_all(dir_);
}

void IamEmulatorProcess::setState(const nlohmann::json& state) {
  std::string tmp = dir_ + "/state.json.tmp";
  {
    std::ofstream out(tmp);
    out << state.dump(2);
  }
  std::filesystem::rename(tmp, dir_ + "/state.json");
}

std::vector<nlohmann::json> IamEmulatorProcess::requests() const {
  std::vector<nlohmann::json> out;
  std::ifstream in(dir_ + "/requests.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

void IamEmulatorProcess::stop() {
  if (pid_ <= 0) return;
  stopProcess(pid_, SIGTERM, std::chrono::seconds(10), "iam-emulator");
  pid_ = -1;
}

}  // namespace airlock::testing
