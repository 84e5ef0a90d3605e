// iam-emulator: the DC/OS IAM user endpoints on 127.0.0.1 for tests; prints
// `listening on http://127.0.0.1:PORT` once it accepts. SIGTERM stops it.
// Wiring only: flags -> IamEmulator -> loop.
#include <uv.h>

#include <csignal>
#include <cstdio>

#include <CLI/CLI.hpp>

#include "iam_emulator.h"

int main(int argc, char** argv) {
  CLI::App app{"iam-emulator: the DC/OS IAM's user endpoints for airlock's tests"};
  airlock::iam::IamEmulatorOptions options;
  uint16_t port = 0;
  app.add_option("--state", options.state_path, "IAM state (JSON), re-read on every request")
      ->required();
  app.add_option("--requests", options.requests_path, "request log (JSON lines, appended)")
      ->required();
  app.add_option("--port", port, "port on 127.0.0.1 (0 picks one)");
  CLI11_PARSE(app, argc, argv);
  std::signal(SIGPIPE, SIG_IGN);

  uv_loop_t loop;
  uv_loop_init(&loop);
  airlock::iam::IamEmulator iam(&loop, options);
  auto started = iam.start(port);
  if (!started) {
    std::fprintf(stderr, "iam-emulator: %s\n", started.error().message.c_str());
    return 1;
  }
  uv_signal_t term{};
  uv_signal_init(&loop, &term);
  term.data = &iam;
  uv_signal_start(&term, [](uv_signal_t* h, int) {
    static_cast<airlock::iam::IamEmulator*>(h->data)->stop();
    uv_close(reinterpret_cast<uv_handle_t*>(h), nullptr);
  }, SIGTERM);
  std::printf("listening on http://127.0.0.1:%u\n", static_cast<unsigned>(*started));
  std::fflush(stdout);
  uv_run(&loop, UV_RUN_DEFAULT);
  return uv_loop_close(&loop) == 0 ? 0 : 70;
}
