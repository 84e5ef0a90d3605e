#include "data_file.h"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace airlock::bench {
namespace {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr size_t kLineChars = 76;

}  // namespace

Result<void> ensureDataFile(const std::string& path, uint64_t bytes) {
  struct stat st{};
  if (::stat(path.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_size) == bytes) return {};
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return Error::fromErrno("cannot write " + tmp);
  uint64_t state = 0x616972'6c6f636bULL;  // "airlock"
  std::string line;
  uint64_t written = 0;
  while (written < bytes) {
    line.clear();
    while (line.size() < kLineChars) {
      uint64_t r = splitmix64(state);
      for (int i = 0; i < 10 && line.size() < kLineChars; ++i) line += kAlphabet[(r >> (6 * i)) & 63];
    }
    line += '\n';
    size_t n = static_cast<size_t>(std::min<uint64_t>(line.size(), bytes - written));
    if (std::fwrite(line.data(), 1, n, f) != n) {
      std::fclose(f);
      return Error::fromErrno("cannot write " + tmp);
    }
    written += n;
  }
  if (std::fclose(f) != 0) return Error::fromErrno("cannot write " + tmp);
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Error{"cannot rename " + tmp + ": " + ec.message()};
  return {};
}

}  // namespace airlock::bench
