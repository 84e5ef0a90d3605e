// agent-emulator: a Mesos agent operator API (`/api/v1`) on 127.0.0.1 for
// tests; prints `listening on http://127.0.0.1:PORT/api/v1` once it accepts.
// Wiring only: flags -> AgentEmulator -> loop.
#include <uv.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "agent_emulator.h"

int main(int argc, char** argv) {
  CLI::App app{"agent-emulator: a Mesos agent's v1 API for airlock's tests"};
  airlock::emulator::EmulatorOptions options;
  std::string fixture;
  uint16_t port = 0;
  app.add_option("--fixture", fixture, "GET_STATE response (Mesos v1 JSON)")->required()->check(CLI::ExistingFile);
  app.add_option("--port", port, "port on 127.0.0.1 (0 picks one)");
  app.add_option("--heartbeat-ms", options.heartbeat_ms, "output stream heartbeat interval");
  app.add_option("--rechunk-seed", options.rechunk_seed, "split stream chunks at random (0: off)");
  app.add_option("--recovering-ms", options.recovering_ms, "answer 503 for this long after start");
  app.add_option("--principal", options.basic_principal, "require Basic auth with this principal");
  app.add_option("--secret", options.basic_secret, "the principal's secret");
  app.add_option("--token", options.token, "accept `Authorization: token=<token>`");
  app.add_flag("--composing-errors", options.composing_errors, "ComposingContainerizer error wording");
  app.add_option("--sandbox", options.sandbox, "working directory of the task containers");
  app.add_option("--fail-launch", options.fail_launch_status, "answer every session launch with this status");
  app.add_option("--launch-delay-ms", options.launch_delay_ms, "answer session launches only after this long");
  app.add_option("--state-delay-ms", options.state_delay_ms, "answer GET_STATE only after this long");
  app.add_flag("--forget-exits", options.forget_exits, "answer WAIT on an ended session with 404");
  app.add_option("--cut-stream-ms", options.cut_stream_ms,
                 "drop each session's stream this long after it started (no final chunk)");
  CLI11_PARSE(app, argc, argv);
  std::ifstream in(fixture);
  std::stringstream ss;
  ss << in.rdbuf();
  options.fixture_json = ss.str();
  std::signal(SIGPIPE, SIG_IGN);

  uv_loop_t loop;
  uv_loop_init(&loop);
  airlock::emulator::AgentEmulator agent(&loop, options);
  auto started = agent.start(port);
  if (!started) {
    std::fprintf(stderr, "agent-emulator: %s\n", started.error().message.c_str());
    return 1;
  }
  uv_signal_t term{};
  uv_signal_init(&loop, &term);
  term.data = &agent;
  uv_signal_start(&term, [](uv_signal_t* h, int) {
    static_cast<airlock::emulator::AgentEmulator*>(h->data)->stop();
    uv_close(reinterpret_cast<uv_handle_t*>(h), nullptr);
  }, SIGTERM);
  std::printf("listening on http://127.0.0.1:%u/api/v1\n", static_cast<unsigned>(*started));
  std::fflush(stdout);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  return 0;
}
