#include "net/unix_listen_socket.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace airlock::net {
namespace {

Result<sockaddr_un> addressOf(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) {
    return Error{"the socket path must be 1 to " + std::to_string(sizeof addr.sun_path - 1) +
                 " bytes"};
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

// True if a process accepts connections on `addr`.
bool someoneListens(const sockaddr_un& addr) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  bool listening = connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return listening;
}

// Makes room for our socket at `path`, or says why not.
Result<void> clearStaleSocket(const std::string& path, const sockaddr_un& addr) {
  struct stat st{};
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return Error::fromErrno("cannot inspect " + path);
  }
  if (!S_ISSOCK(st.st_mode)) {
    return Error{path + " exists and is not a socket; remove it or choose another server.listen"};
  }
  if (someoneListens(addr)) {
    return Error{"another process (an airlockd already running?) listens on unix:" + path};
  }
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Error::fromErrno("cannot remove the stale socket " + path);
  }
  return {};
}

}  // namespace

// The directory must be ours (or root's) and writable by nobody else, or
// another user could swap the socket for its own (and impersonate us) or
// for a symlink while we set it up.
Result<void> checkDirectory(const std::filesystem::path& dir) {
  struct stat st{};
  if (lstat(dir.c_str(), &st) != 0) return Error::fromErrno("cannot inspect " + dir.string());
  if (!S_ISDIR(st.st_mode)) return Error{dir.string() + " is not a directory"};
  if (st.st_uid != 0 && st.st_uid != geteuid()) {
    return Error{dir.string() + " belongs to uid " + std::to_string(st.st_uid) +
                 "; the socket's directory must belong to root or to airlockd's user"};
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return Error{dir.string() + " is writable by other users; the socket's directory must not be"};
  }
  return {};
}

Result<UnixListenSocket> listenOnUnixPath(const std::string& path, int backlog) {
  auto addr = addressOf(path);
  if (!addr) return addr.error();
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!std::filesystem::exists(dir, ec)) {
    mode_t old_mask = umask(0022);
    std::filesystem::create_directories(dir, ec);
    umask(old_mask);
    if (ec) return Error{"cannot create " + dir.string() + ": " + ec.message()};
  }
  if (auto safe = checkDirectory(dir); !safe) return safe.error();
  if (auto cleared = clearStaleSocket(path, *addr); !cleared) return cleared.error();
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error::fromErrno("socket");
  // bind creates the file with 0777 & ~umask: 0666, no chmod by path after.
  mode_t old_mask = umask(0111);
  int bound = bind(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr);
  int err = errno;
  umask(old_mask);
  if (bound != 0) {
    close(fd);
    return Error::fromErrno("cannot listen on unix:" + path, err);
  }
  UnixListenSocket made{fd, 0, 0};
  struct stat st{};
  if (lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) {
    made.dev = st.st_dev;
    made.ino = st.st_ino;
  }
  if (listen(fd, backlog) != 0) {
    err = errno;
    unlinkOwnSocket(path, made);
    close(fd);
    return Error::fromErrno("cannot listen on unix:" + path, err);
  }
  return made;
}

void unlinkOwnSocket(const std::string& path, const UnixListenSocket& made) {
  struct stat st{};
  if (made.ino == 0 || lstat(path.c_str(), &st) != 0) return;
  if (st.st_dev == made.dev && st.st_ino == made.ino) unlink(path.c_str());
}

}  // namespace airlock::net
