#include "utf8_assembler.h"

namespace airlock::replay {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Length of the sequence a lead byte starts; 0 for an invalid lead.
size_t sequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// Whether the continuation byte at index `i` (1-based) is valid after `lead`
// (excludes overlongs, surrogates and code points over U+10FFFF).
bool validContinuation(unsigned char lead, size_t i, unsigned char c) {
  if ((c & 0xC0) != 0x80) return false;
  if (i != 1) return true;
  if (lead == 0xE0) return c >= 0xA0;
  if (lead == 0xED) return c <= 0x9F;
  if (lead == 0xF0) return c >= 0x90;
  if (lead == 0xF4) return c <= 0x8F;
  return true;
}

}  // namespace

std::string Utf8Assembler::feed(std::string_view bytes) {
  std::string in = pending_;
  in.append(bytes);
  pending_.clear();
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    auto lead = static_cast<unsigned char>(in[i]);
    size_t len = sequenceLength(lead);
    if (len == 0) {
      out.append(kReplacement);
      ++i;
      continue;
    }
    size_t k = 1;
    while (k < len && i + k < in.size() &&
           validContinuation(lead, k, static_cast<unsigned char>(in[i + k]))) {
      ++k;
    }
    if (k == len) {
      out.append(in, i, len);
      i += len;
    } else if (i + k == in.size()) {
      pending_ = in.substr(i);  // Incomplete so far: wait for the next chunk.
      break;
    } else {
      out.append(kReplacement);
      i += k;
    }
  }
  return out;
}

std::string Utf8Assembler::flush() {
  bool had = !pending_.empty();
  pending_.clear();
  return had ? std::string(kReplacement) : std::string();
}

}  // namespace airlock::replay
