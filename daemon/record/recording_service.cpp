#include "record/recording_service.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>

#include "record/recorder.h"

namespace airlock::record {
namespace {

// A quarter of the flush interval: a frame closes at most that late.
uint64_t tickMs(const config::RecordingConfig& c) {
  return std::max<uint64_t>(10, c.flush_interval_ms / 4);
}

Result<void> makePrivateDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{"cannot create the recording directory " + dir + ": " + ec.message()};
  if (chmod(dir.c_str(), 0700) != 0) return Error::fromErrno("cannot restrict " + dir);
  return {};
}

// Writes `text` to a temporary file and links it to `path`, so a reader
// never sees half a key; EEXIST means another airlockd got there first.
Result<void> writePrivateFile(const std::string& path, const std::string& text, mode_t mode) {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Error::fromErrno("cannot create " + tmp);
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && fsync(fd) == 0;
  close(fd);
  if (!ok) {
    int err = errno;
    unlink(tmp.c_str());
    return Error::fromErrno("cannot write " + tmp, err);
  }
  int rc = link(tmp.c_str(), path.c_str());
  int err = errno;
  unlink(tmp.c_str());
  if (rc != 0) return Error::fromErrno("cannot create " + path, err);
  return {};
}

}  // namespace

Result<std::shared_ptr<const replay::RecordingSigner>> loadOrCreateSigningKey(const std::string& path) {
  if (access(path.c_str(), F_OK) == 0) {
    auto signer = replay::RecordingSigner::loadPem(path);
    if (!signer) return Error{"cannot load the recording signing key " + path + ": " + signer.error().message};
    return signer;
  }
  if (auto r = makePrivateDir(std::filesystem::path(path).parent_path().string()); !r) return r.error();
  auto signer = replay::RecordingSigner::generate();
  if (!signer) return signer.error();
  if (auto r = writePrivateFile(path, (*signer)->privateKeyPem(), 0600); !r) {
    // Another airlockd sharing this directory made the key a moment ago.
    if (r.error().code == EEXIST) return replay::RecordingSigner::loadPem(path);
    return r.error();
  }
  std::string pub = path.size() > 4 && path.ends_with(".pem") ? path.substr(0, path.size() - 4) + ".pub.pem"
                                                              : path + ".pub.pem";
  if (auto r = writePrivateFile(pub, (*signer)->publicKeyPem(), 0644); !r && r.error().code != EEXIST) {
    return r.error();
  }
  spdlog::warn("created a new recording signing key {} (id {}); verify recordings with "
               "`airlock-replay verify --key {}`",
               path, (*signer)->keyId(), pub);
  return signer;
}

RecordingService::RecordingService(uv_loop_t* loop, config::RecordingConfig config)
    : loop_(loop), config_(std::move(config)), tick_(loop, [this] { onTick(); }) {}

RecordingService::~RecordingService() = default;

Result<std::unique_ptr<RecordingService>> RecordingService::create(
    uv_loop_t* loop, const config::RecordingConfig& config) {
  std::unique_ptr<RecordingService> self(new RecordingService(loop, config));
  if (auto r = makePrivateDir(config.dir); !r) return r.error();
  std::string key_path = config.signing_key_file.empty() ? config.dir + "/.keys/signing.pem"
                                                         : config.signing_key_file;
  auto signer = loadOrCreateSigningKey(key_path);
  if (!signer) return signer.error();
  self->signer_ = std::move(*signer);
  self->pool_ = std::make_shared<replay::CompressorPool>(replay::CompressorPool::Options{
      static_cast<int>(config.compression_level), config.compressors});
  self->frame_policy_ = {config.frame_max_bytes, uint64_t{config.flush_interval_ms} * 1000};
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  self->hostname_ = host;
  self->tick_.start(tickMs(config), tickMs(config));
  spdlog::info("recording every session to {} (input {}, {}, key id {})", config.dir, config.input,
               config.failure_policy, self->signer_->keyId());
  return self;
}

replay::WriterOptions RecordingService::writerOptions() const {
  replay::WriterOptions options;
  options.checkpointEveryFrames = config_.checkpoint_every_frames;
  options.sync = config_.sync == "none"          ? replay::SyncPolicy::kNone
                 : config_.sync == "every-frame" ? replay::SyncPolicy::kEveryFrame
                                                 : replay::SyncPolicy::kCheckpoints;
  return options;
}

void RecordingService::onFrameWritten(uint64_t file_bytes) {
  stats_.frames_written += 1;
  stats_.bytes_written += file_bytes;
  if (bytes_counter_ != nullptr) bytes_counter_->inc(static_cast<double>(file_bytes));
}

void RecordingService::onRecordingFailed() {
  stats_.failures += 1;
  if (failures_counter_ != nullptr) failures_counter_->inc();
}

void RecordingService::attach(session::Session& session) {
  auto recorder = std::make_unique<Recorder>(*this, session);
  Recorder& ref = *recorder;
  session.adoptConsumer(std::move(recorder));
  ref.start();
}

void RecordingService::onTick() {
  // Copy: a tick may end a recorder (a failure detaches it).
  std::vector<Recorder*> live(recorders_.begin(), recorders_.end());
  for (Recorder* r : live) {
    if (recorders_.contains(r)) r->onTick();
  }
}

}  // namespace airlock::record
