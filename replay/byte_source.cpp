#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "airlock/recording_reader.h"

namespace airlock::replay {

namespace {

// The whole recording in memory (tests, fuzzing, small files).
class BufferSource final : public ByteSource {
 public:
  explicit BufferSource(std::string bytes) : bytes_(std::move(bytes)) {}
  uint64_t size() const override { return bytes_.size(); }
  Result<void> readAt(uint64_t offset, std::span<uint8_t> dst) const override {
    if (offset > bytes_.size() || dst.size() > bytes_.size() - offset) {
      return Error{"read past the end of the recording", EIO};
    }
    std::memcpy(dst.data(), bytes_.data() + offset, dst.size());
    return {};
  }

 private:
  std::string bytes_;
};

// A recording file read with pread; its size is taken once at open, so a file
// still being written is read as the prefix that existed then.
class FileSource final : public ByteSource {
 public:
  FileSource(int fd, uint64_t size) : fd_(fd), size_(size) {}
  ~FileSource() override { ::close(fd_); }
  uint64_t size() const override { return size_; }
  Result<void> readAt(uint64_t offset, std::span<uint8_t> dst) const override {
    if (offset > size_ || dst.size() > size_ - offset) {
      return Error{"read past the end of the recording", EIO};
    }
    size_t done = 0;
    while (done < dst.size()) {
      ssize_t n = ::pread(fd_, dst.data() + done, dst.size() - done,
                          static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Error::fromErrno("cannot read recording");
      if (n == 0) return Error{"recording shrank while being read", EIO};
      done += static_cast<size_t>(n);
    }
    return {};
  }

 private:
  int fd_;
  uint64_t size_;
};

}  // namespace

std::unique_ptr<ByteSource> makeBufferSource(std::string bytes) {
  return std::make_unique<BufferSource>(std::move(bytes));
}

Result<std::unique_ptr<ByteSource>> openFileSource(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error::fromErrno("cannot open " + path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return Error::fromErrno("cannot stat " + path, err);
  }
  return std::unique_ptr<ByteSource>(std::make_unique<FileSource>(fd, st.st_size));
}

}  // namespace airlock::replay
