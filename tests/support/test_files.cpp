#include "test_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "command.h"

namespace airlock::testing {

std::string currentUser() {
  auto r = runCommand({"/usr/bin/id", "-un"});
  std::string user = r.out;
  while (!user.empty() && user.back() == '\n') user.pop_back();
  return user;
}

void writeFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::filesystem::path testDir(const std::string& prefix) {
  auto dir = std::filesystem::temp_directory_path() /
             (prefix + "-" + std::to_string(getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::create_directories(dir);
  return dir;
}

std::filesystem::path openDirWithCopies(const std::string& prefix,
                                        const std::vector<std::filesystem::path>& executables) {
  std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
  std::filesystem::path dir = mkdtemp(tmpl.data());
  chmod(dir.c_str(), 0755);
  for (const auto& source : executables) {
    std::filesystem::path copy = dir / source.filename();
    std::filesystem::copy_file(source, copy);
    chmod(copy.c_str(), 0755);
  }
  return dir;
}

std::string webTargetsToml() {
  std::string user = currentUser();
  return "[[target]]\nid = \"web-1\"\napp_id = \"/prod/web\"\nuser = \"" + user +
         "\"\n\n[[target]]\nid = \"web2-1\"\napp_id = \"/prod/web2\"\nuser = \"" + user + "\"\n";
}

}  // namespace airlock::testing
