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

Result<UnixListenSocket> listenOnUnixPath(const std::string& path, int backlog) {
  auto addr = addressOf(path);
  if (!addr) return addr.error();
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return Error{"cannot create " + dir.string() + ": " + ec.message()};
    chmod(dir.c_str(), 0755);
  }
  if (auto cleared = clearStaleSocket(path, *addr); !cleared) return cleared.error();
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error::fromErrno("socket");
  if (bind(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) != 0) {
    int err = errno;
    close(fd);
    return Error::fromErrno("cannot listen on unix:" + path, err);
  }
  UnixListenSocket made{fd, 0, 0};
  struct stat st{};
  if (stat(path.c_str(), &st) == 0) {
    made.dev = st.st_dev;
    made.ino = st.st_ino;
  }
  // After bind (which applies the umask): the mode is not what guards it.
  if (chmod(path.c_str(), 0666) != 0 || listen(fd, backlog) != 0) {
    int err = errno;
    unlinkOwnSocket(path, made);
    close(fd);
    return Error::fromErrno("cannot listen on unix:" + path, err);
  }
  return made;
}

void unlinkOwnSocket(const std::string& path, const UnixListenSocket& made) {
  struct stat st{};
  if (stat(path.c_str(), &st) != 0) return;
  if (st.st_dev == made.dev && st.st_ino == made.ino) unlink(path.c_str());
}

}  // namespace airlock::net
