#include "auth/offline_command.h"

#include <cctype>

#include "auth/key_source.h"
#include "auth/token_extractor.h"

namespace airlock::auth {

std::optional<int> parseOfflineArgs(CLI::App& app, const std::string& name,
                                    const std::vector<std::string>& args, std::ostream& out,
                                    std::ostream& err) {
  std::vector<const char*> argv = {name.c_str()};
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      out << app.help();
      return 0;
    }
    err << name << ": " << e.what() << "\n";
    return kOfflineExitUsage;
  }
  return std::nullopt;
}

Result<std::string> readTokenFile(const std::string& path) {
  auto text = readSmallFile(path, kMaxTokenBytes + 64);
  if (!text) return text.error();
  std::string token = *text;
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  return token;
}

}  // namespace airlock::auth
