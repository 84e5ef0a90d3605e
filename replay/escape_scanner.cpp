#include "escape_scanner.h"

namespace airlock::replay {

namespace {
constexpr char kEsc = 0x1b;
constexpr char kBel = 0x07;
constexpr char kCan = 0x18;
constexpr char kSub = 0x1a;

bool inRange(char c, int lo, int hi) {
  auto u = static_cast<unsigned char>(c);
  return u >= lo && u <= hi;
}
}  // namespace

void EscapeScanner::keep(char c) {
  if (seq_.size() < kMaxSequenceBytes) {
    seq_.push_back(c);
  } else {
    overlong_ = true;
  }
}

void EscapeScanner::begin(State state, char c) {
  state_ = state;
  keep(c);
}

void EscapeScanner::emit(SequenceKind kind) {
  onSequence_(Sequence{kind, seq_, overlong_});
  seq_.clear();
  overlong_ = false;
  state_ = State::kGround;
}

void EscapeScanner::feed(std::string_view bytes) {
  size_t textStart = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    char c = bytes[i];
    if (state_ == State::kGround) {
      if (c != kEsc) continue;
      if (i > textStart) onText_(bytes.substr(textStart, i - textStart));
      begin(State::kEsc, c);
      continue;
    }
    // CAN and SUB abort any sequence (ECMA-48 8.3.9).
    if ((c == kCan || c == kSub) && state_ != State::kOsc && state_ != State::kString) {
      seq_.clear();
      overlong_ = false;
      state_ = State::kGround;
      textStart = i + 1;
      continue;
    }
    switch (state_) {
      case State::kEsc:
        keep(c);
        if (c == '[') {
          state_ = State::kCsi;
        } else if (c == ']') {
          state_ = State::kOsc;
        } else if (c == 'P' || c == 'X' || c == '^' || c == '_') {
          state_ = State::kString;
          oscString_ = false;
        } else if (inRange(c, 0x20, 0x2f)) {
          state_ = State::kEscIntermediate;
        } else {
          emit(SequenceKind::kEsc);
        }
        break;
      case State::kEscIntermediate:
        keep(c);
        if (!inRange(c, 0x20, 0x2f)) emit(SequenceKind::kEsc);
        break;
      case State::kCsi:
        keep(c);
        if (inRange(c, 0x40, 0x7e)) emit(SequenceKind::kCsi);
        break;
      case State::kOsc:
        if (c == kBel) {
          keep(c);
          emit(SequenceKind::kOsc);
        } else if (c == kEsc) {
          keep(c);
          state_ = State::kStringEsc;
          oscString_ = true;
        } else {
          keep(c);
        }
        break;
      case State::kString:
        keep(c);
        if (c == kEsc) {
          state_ = State::kStringEsc;
          oscString_ = false;
        }
        break;
      case State::kStringEsc:
        keep(c);
        if (c == '\\') {
          emit(oscString_ ? SequenceKind::kOsc : SequenceKind::kString);
        } else {
          state_ = oscString_ ? State::kOsc : State::kString;
        }
        break;
      case State::kGround:
        break;
    }
    if (state_ == State::kGround) textStart = i + 1;
  }
  if (state_ == State::kGround && textStart < bytes.size()) onText_(bytes.substr(textStart));
}

}  // namespace airlock::replay
