// The seam between the bench's scenarios and what carries a shell session:
// the airlock daemon, ttyd, or a PTY the bench opens itself.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace airlock::bench {

// Receives a shell session's events. Implemented by `ShellSession`; called on
// the bench's loop thread only.
class SessionEvents {
 public:
  virtual ~SessionEvents() = default;
  virtual void onOutput(std::span<const uint8_t> data) = 0;
  // The session is gone (process exited, connection lost, refused).
  virtual void onEnded(const std::string& why) = 0;
};

// One open shell session. `send` queues keystrokes (never blocks; bytes the
// carrier cannot take yet are queued by the implementation). `close` ends
// the session; no event follows it. Destroying the handle closes it too.
// Loop thread only.
class SessionHandle {
 public:
  virtual ~SessionHandle() = default;
  virtual void send(std::string_view bytes) = 0;
  virtual void close() = 0;
  // True once a `close` finished (the carrier released what it held), so a
  // setup loop can wait for it before opening the next one.
  virtual bool closeDone() const = 0;
};

// What the shell is: argv and environment, the same for every carrier.
struct ShellSpec {
  std::vector<std::string> argv = {"bash", "--norc", "--noprofile"};
  std::vector<std::pair<std::string, std::string>> env = {
      {"PS1", "$ "}, {"TERM", "xterm-256color"}, {"PATH", "/usr/local/bin:/usr/bin:/bin"}};
  uint16_t rows = 24;
  uint16_t cols = 80;
};

// Opens shell sessions. `fresh` asks for a new connection just for this
// session (setup measurements include the WebSocket handshake); otherwise an
// implementation may multiplex. Loop thread only; outlives its handles.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual std::string name() const = 0;
  virtual std::unique_ptr<SessionHandle> open(SessionEvents& events, bool fresh) = 0;
  // Connections currently open (airlock: WebSockets; ttyd: one per session).
  virtual size_t connections() const = 0;
};

}  // namespace airlock::bench
