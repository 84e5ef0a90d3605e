// TerminalSafeFilter: removes from recorded output every sequence that would
// make the viewer's terminal answer (DSR, DA, DECRQM, XTVERSION, window
// reports, DECRQSS, ENQ, DECID), change its title or clipboard (OSC 0/1/2/52
// and every other OSC except 8, hyperlinks), pass data through it (DCS, APC,
// PM, SOS) or start reporting mouse or focus events. Everything else passes
// unchanged. Streaming (sequences split across events are handled); one
// instance per playback, one thread.
#pragma once

#include <string>
#include <string_view>

#include "escape_scanner.h"

namespace airlock::replay {

class TerminalSafeFilter {
 public:
  TerminalSafeFilter();
  // Returns the safe part of `bytes` (may hold back an incomplete sequence).
  std::string filter(std::string_view bytes);
  size_t dropped() const { return dropped_; }

 private:
  bool allowed(const Sequence& seq) const;

  EscapeScanner scanner_;
  std::string out_;
  size_t dropped_ = 0;
};

}  // namespace airlock::replay
