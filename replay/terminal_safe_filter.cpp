#include "terminal_safe_filter.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace airlock::replay {

namespace {

constexpr char kEnq = 0x05;

// DEC private modes that make the terminal send reports (mouse, focus).
constexpr std::array<int, 10> kReportingModes = {9, 1000, 1001, 1002, 1003,
                                                 1004, 1005, 1006, 1015, 1016};

bool setsReportingMode(std::string_view params) {
  // params: "?1000;1006"
  params.remove_prefix(1);
  while (!params.empty()) {
    size_t semi = params.find(';');
    std::string_view p = params.substr(0, semi);
    int mode = -1;
    std::from_chars(p.data(), p.data() + p.size(), mode);
    if (std::find(kReportingModes.begin(), kReportingModes.end(), mode) != kReportingModes.end()) {
      return true;
    }
    if (semi == std::string_view::npos) break;
    params.remove_prefix(semi + 1);
  }
  return false;
}

bool csiAllowed(std::string_view seq) {
  // ESC [ params intermediates final
  char final = seq.back();
  std::string_view body = seq.substr(2, seq.size() - 3);
  bool priv = !body.empty() && (body[0] == '?' || body[0] == '>' || body[0] == '=');
  switch (final) {
    case 'n':  // DSR: status and cursor position reports.
    case 'c':  // DA1/DA2/DA3.
    case 't':  // Window manipulation and reports.
    case 'x':  // DECREQTPARM.
      return false;
    case 'q':  // XTVERSION is CSI > q; DECSCUSR (cursor style) is CSI Ps SP q.
      return !(priv && body[0] == '>');
    case 'p':  // DECRQM is CSI ? Ps $ p / CSI Ps $ p.
      return body.find('$') == std::string_view::npos;
    case 'u':  // Kitty keyboard protocol query and push/pop.
    case 'S':  // XTSMGRAPHICS.
      return !priv;
    case 'h':
    case 'l':
      return !(priv && body[0] == '?' && setsReportingMode(body));
    default:
      return true;
  }
}

bool oscAllowed(std::string_view seq) {
  // ESC ] Ps ; Pt (BEL | ESC \). Only hyperlinks (OSC 8) are kept.
  std::string_view body = seq.substr(2);
  return body.substr(0, 2) == "8;";
}

}  // namespace

TerminalSafeFilter::TerminalSafeFilter()
    : scanner_(
          [this](std::string_view text) {
            for (char c : text) {
              if (c == kEnq) {
                ++dropped_;  // ENQ asks for the answerback message.
              } else {
                out_.push_back(c);
              }
            }
          },
          [this](const Sequence& seq) {
            if (allowed(seq)) {
              out_.append(seq.bytes);
            } else {
              ++dropped_;
            }
          }) {}

bool TerminalSafeFilter::allowed(const Sequence& seq) const {
  if (seq.overlong) return false;
  switch (seq.kind) {
    case SequenceKind::kCsi: return csiAllowed(seq.bytes);
    case SequenceKind::kOsc: return oscAllowed(seq.bytes);
    case SequenceKind::kString: return false;           // DCS, SOS, PM, APC.
    case SequenceKind::kEsc: return seq.bytes != "\x1bZ";  // DECID answers like DA.
  }
  return false;
}

std::string TerminalSafeFilter::filter(std::string_view bytes) {
  out_.clear();
  scanner_.feed(bytes);
  return std::move(out_);
}

}  // namespace airlock::replay
