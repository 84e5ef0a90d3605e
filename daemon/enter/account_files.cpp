#include "enter/account_files.h"

#include <charconv>

namespace airlock::enter {
namespace {

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t at = text.find(sep, start);
    out.push_back(text.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

std::optional<uint32_t> number(std::string_view text) {
  uint32_t value = 0;
  if (text.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  // (uid_t)-1 means "unchanged" to setuid/setgid: never an account's id.
  if (value == static_cast<uint32_t>(-1)) return std::nullopt;
  return value;
}

template <typename Fn>
void forEachLine(std::string_view text, Fn fn) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? end : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line.front() != '#' && !fn(line)) return;
    if (end == std::string_view::npos) return;
    start = end + 1;
  }
}

}  // namespace

std::optional<Account> findAccount(std::string_view passwd_text, std::string_view group_text,
                                   std::string_view name) {
  if (name.empty() || name.find_first_of(":\n,") != std::string_view::npos) return std::nullopt;
  std::optional<Account> found;
  forEachLine(passwd_text, [&](std::string_view line) {
    auto f = split(line, ':');  // name:passwd:uid:gid:gecos:home:shell
    if (f.size() != 7 || f[0] != name) return true;
    auto uid = number(f[2]);
    auto gid = number(f[3]);
    if (!uid || !gid) return true;  // Malformed: not this line.
    found = Account{std::string(name), *uid, *gid, std::string(f[5]), std::string(f[6]), {*gid}};
    return false;
  });
  if (!found) return std::nullopt;
  forEachLine(group_text, [&](std::string_view line) {
    auto f = split(line, ':');  // name:passwd:gid:member,member
    if (f.size() != 4) return true;
    auto gid = number(f[2]);
    if (!gid || *gid == found->gid) return true;
    for (std::string_view member : split(f[3], ',')) {
      if (member == name) {
        found->groups.push_back(*gid);
        break;
      }
    }
    return found->groups.size() < kMaxGroups;
  });
  return found;
}

}  // namespace airlock::enter
