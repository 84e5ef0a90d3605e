#include "recording_files.h"

#include <chrono>
#include <filesystem>
#include <thread>

namespace airlock::testing {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::vector<std::string> recordings(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".alrec") out.push_back(entry.path().string());
  }
  return out;
}

std::string recordingOf(const std::string& dir, const std::string& session_id) {
  for (const auto& path : recordings(dir)) {
    if (path.find(session_id) != std::string::npos) return path;
  }
  return {};
}

CommandResult replay(std::vector<std::string> args) {
  args.insert(args.begin(), replayPath());
  return runCommand(args, {}, 60s);
}

bool waitSealed(const DaemonProcess& daemon, const std::string& session_id) {
  for (int i = 0; i < 200; ++i) {
    std::string path = recordingOf(daemon.recordingsDir(), session_id);
    if (!path.empty() && replay({"verify", "--key", daemon.recordingKeyPath(), path}).exitCode() == 0) {
      return true;
    }
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

}  // namespace airlock::testing
