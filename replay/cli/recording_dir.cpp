#include "recording_dir.h"

#include <algorithm>
#include <filesystem>

namespace airlock::replay::cli {

namespace fs = std::filesystem;

std::vector<std::string> listRecordings(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec),
       end;
       !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".alrec") {
      out.push_back(it->path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::string> resolveRecording(const std::string& dir, const std::string& arg) {
  std::error_code ec;
  if (fs::is_regular_file(arg, ec)) return arg;
  for (const std::string& path : listRecordings(dir)) {
    if (fs::path(path).stem() == arg) return path;
  }
  return Error{"no recording '" + arg + "' (not a file, and no such session under " + dir + ")"};
}

}  // namespace airlock::replay::cli
