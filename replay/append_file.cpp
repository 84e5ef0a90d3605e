#include "append_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace airlock::replay::file {

namespace {

// Writes all of `bytes`; returns 0 or the errno of the failure.
int writeAll(int fd, std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;
    done += static_cast<size_t>(n);
  }
  return 0;
}

}  // namespace

Result<void> create(const std::string& path, std::string_view bytes, bool sync) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Error::fromErrno("cannot create recording " + path);
  int err = writeAll(fd, bytes);
  if (err == 0 && sync && ::fdatasync(fd) != 0) err = errno;
  ::close(fd);
  if (err != 0) {
    ::unlink(path.c_str());  // Nothing of this recording was accepted yet.
    return Error::fromErrno("cannot write recording header to " + path, err);
  }
  return {};
}

Result<void> append(const std::string& path, uint64_t expectedSize, std::string_view bytes,
                    bool sync, CutBack* cut) {
  *cut = CutBack::kClean;
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return Error::fromErrno("cannot open recording " + path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return Error::fromErrno("cannot stat recording " + path, err);
  }
  if (static_cast<uint64_t>(st.st_size) != expectedSize) {
    ::close(fd);
    return Error{"recording " + path + " changed under the writer (length " +
                     std::to_string(st.st_size) + ", expected " + std::to_string(expectedSize) +
                     ")",
                 EIO};
  }
  int err = writeAll(fd, bytes);
  if (err == 0 && sync && ::fdatasync(fd) != 0) err = errno;
  // Cutting back only removes bytes this call added; nothing older is touched.
  if (err != 0 && ::ftruncate(fd, static_cast<off_t>(expectedSize)) != 0) {
    *cut = CutBack::kFailed;
  }
  ::close(fd);
  if (err != 0) return Error::fromErrno("cannot append to recording " + path, err);
  return {};
}

}  // namespace airlock::replay::file
