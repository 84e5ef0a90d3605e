#include "client/cli/token_file.h"

#include <fstream>
#include <iterator>

namespace airlock::client {
namespace {

constexpr size_t kMaxTokenBytes = 16 * 1024;

}  // namespace

Result<std::string> readTokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::fromErrno("cannot open token file " + path);
  std::string token;
  token.resize(kMaxTokenBytes + 1);
  in.read(token.data(), static_cast<std::streamsize>(token.size()));
  token.resize(static_cast<size_t>(in.gcount()));
  if (token.size() > kMaxTokenBytes) return Error{"token file " + path + " is larger than 16 KiB"};
  const char* space = " \t\r\n";
  size_t begin = token.find_first_not_of(space);
  if (begin == std::string::npos) return Error{"token file " + path + " is empty"};
  token = token.substr(begin, token.find_last_not_of(space) - begin + 1);
  if (token.find_first_of("\r\n") != std::string::npos) {
    return Error{"token file " + path + " holds more than one line"};
  }
  return "Bearer " + token;
}

}  // namespace airlock::client
