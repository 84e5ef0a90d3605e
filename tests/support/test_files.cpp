#include "test_files.h"

#include <fstream>
#include <sstream>

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

}  // namespace airlock::testing
