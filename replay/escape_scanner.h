// EscapeScanner: a streaming tokenizer of terminal output into plain text and
// complete control sequences (ECMA-48: CSI, OSC, DCS/SOS/PM/APC strings, other
// ESC sequences). Sequences split across events are reassembled; a sequence
// longer than `kMaxSequenceBytes` is reported once as overlong with its
// first bytes only. Sans-I/O; one instance per stream, one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace airlock::replay {

enum class SequenceKind : uint8_t { kCsi, kOsc, kString, kEsc };

struct Sequence {
  SequenceKind kind;
  std::string_view bytes;  // The whole sequence, from ESC to its terminator.
  bool overlong = false;   // Cut at kMaxSequenceBytes; the rest was consumed unseen.
};

class EscapeScanner {
 public:
  static constexpr size_t kMaxSequenceBytes = 4096;

  using TextFn = std::function<void(std::string_view)>;
  using SequenceFn = std::function<void(const Sequence&)>;

  EscapeScanner(TextFn onText, SequenceFn onSequence)
      : onText_(std::move(onText)), onSequence_(std::move(onSequence)) {}

  void feed(std::string_view bytes);

 private:
  enum class State : uint8_t { kGround, kEsc, kEscIntermediate, kCsi, kOsc, kString, kStringEsc };

  void begin(State state, char c);
  void keep(char c);
  void emit(SequenceKind kind);

  TextFn onText_;
  SequenceFn onSequence_;
  State state_ = State::kGround;
  bool oscString_ = false;  // In kString/kStringEsc: the string is an OSC (BEL also ends it).
  std::string seq_;
  bool overlong_ = false;
};

}  // namespace airlock::replay
