// A `main` for fuzz targets built without libFuzzer (style R28): it feeds
// `LLVMFuzzerTestOneInput` every file of the given corpus directories (or
// files), then deterministic mutations of each (truncations, bit flips,
// interesting bytes, duplicated and spliced ranges). The mutations come from a
// fixed-seed generator, so a crash reproduces run after run. Inputs are capped
// at `kMaxInputBytes`. Exits 1 if no seed could be read.
//
//   <target>_stub [--mutations N] CORPUS_DIR_OR_FILE...
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

constexpr size_t kMaxInputBytes = 1 << 20;
constexpr size_t kDefaultMutationsPerSeed = 400;
constexpr uint8_t kInterestingBytes[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0x0f, 0x10, 0x0a};

// xorshift64*: tiny, fixed-seed, identical on every platform.
class Prng {
 public:
  explicit Prng(uint64_t seed) : state_(seed ? seed : 0x9e3779b97f4a7c15ULL) {}
  uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545f4914f6cdd1dULL;
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }

 private:
  uint64_t state_;
};

using Bytes = std::vector<uint8_t>;

void runOne(const Bytes& input) {
  // A copy of exactly `size` bytes, so ASan sees reads past the end.
  size_t size = std::min(input.size(), kMaxInputBytes);
  auto* copy = static_cast<uint8_t*>(std::malloc(size == 0 ? 1 : size));
  if (size != 0) std::memcpy(copy, input.data(), size);
  LLVMFuzzerTestOneInput(copy, size);
  std::free(copy);
}

Bytes mutate(const Bytes& seed, const std::vector<Bytes>& all, Prng& prng) {
  Bytes out = seed;
  switch (prng.below(6)) {
    case 0:  // Flip one bit.
      if (!out.empty()) out[prng.below(out.size())] ^= static_cast<uint8_t>(1u << prng.below(8));
      break;
    case 1:  // Truncate.
      out.resize(prng.below(out.size() + 1));
      break;
    case 2:  // Overwrite a byte with an interesting value.
      if (!out.empty()) {
        out[prng.below(out.size())] = kInterestingBytes[prng.below(sizeof(kInterestingBytes))];
      }
      break;
    case 3: {  // Duplicate a range in place.
      if (out.empty()) break;
      size_t from = prng.below(out.size());
      size_t len = 1 + prng.below(std::min<size_t>(out.size() - from, 64));
      Bytes range(out.begin() + from, out.begin() + from + len);
      out.insert(out.begin() + prng.below(out.size() + 1), range.begin(), range.end());
      break;
    }
    case 4: {  // Splice the tail of another seed.
      const Bytes& other = all[prng.below(all.size())];
      size_t cut = prng.below(out.size() + 1);
      size_t from = prng.below(other.size() + 1);
      out.resize(cut);
      out.insert(out.end(), other.begin() + from, other.end());
      break;
    }
    default:  // Append random bytes.
      for (size_t n = 1 + prng.below(16); n > 0; --n) out.push_back(static_cast<uint8_t>(prng.next()));
      break;
  }
  if (out.size() > kMaxInputBytes) out.resize(kMaxInputBytes);
  return out;
}

bool readFile(const std::filesystem::path& path, Bytes& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (out.size() > kMaxInputBytes) out.resize(kMaxInputBytes);
  return true;
}

void collect(const std::filesystem::path& path, std::vector<Bytes>& seeds) {
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(path)) {
    for (const auto& entry : std::filesystem::directory_iterator(path)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());  // Deterministic order.
  } else {
    files.push_back(path);
  }
  for (const auto& file : files) {
    Bytes bytes;
    if (readFile(file, bytes)) {
      seeds.push_back(std::move(bytes));
    } else {
      std::fprintf(stderr, "cannot read %s\n", file.c_str());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  size_t mutations = kDefaultMutationsPerSeed;
  std::vector<Bytes> seeds;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--mutations") == 0 && i + 1 < argc) {
      mutations = std::strtoul(argv[++i], nullptr, 10);
    } else {
      collect(argv[i], seeds);
    }
  }
  if (seeds.empty()) {
    std::fprintf(stderr, "usage: %s [--mutations N] CORPUS_DIR_OR_FILE...\n(no seeds read)\n",
                 argv[0]);
    return 1;
  }
  Prng prng(0x61726c6f636bULL);  // "arlock".
  size_t runs = 0;
  for (const Bytes& seed : seeds) {
    runOne(seed);
    ++runs;
    for (size_t m = 0; m < mutations; ++m, ++runs) runOne(mutate(seed, seeds, prng));
  }
  std::printf("%zu seeds, %zu inputs run\n", seeds.size(), runs);
  return 0;
}
