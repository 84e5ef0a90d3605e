// The test vectors of docs mesos-agent-api.md section 6, shared by the
// client codec tests and the agent emulator tests.
#pragma once

#include <string>

namespace airlock::testing::vectors {

inline const std::string kParent = "6643b4be-583a-4dc3-bf23-a1ffb26dd452";
inline const std::string kChild = "3192b9d1-db71-4699-ae25-e28dfbf42de1";

inline const std::string kV1Json =
    R"({"type":"ATTACH_CONTAINER_INPUT","attach_container_input":{"type":"CONTAINER_ID","container_id":{"value":"3192b9d1-db71-4699-ae25-e28dfbf42de1","parent":{"value":"6643b4be-583a-4dc3-bf23-a1ffb26dd452"}}}})";
inline const std::string kV2Json =
    R"({"type":"ATTACH_CONTAINER_INPUT","attach_container_input":{"type":"PROCESS_IO","process_io":{"type":"DATA","data":{"type":"STDIN","data":"bHMK"}}}})";
inline const std::string kV3Json =
    R"({"type":"ATTACH_CONTAINER_INPUT","attach_container_input":{"type":"PROCESS_IO","process_io":{"type":"DATA","data":{"type":"STDIN","data":""}}}})";
inline const std::string kV4Json =
    R"({"type":"ATTACH_CONTAINER_INPUT","attach_container_input":{"type":"PROCESS_IO","process_io":{"type":"CONTROL","control":{"type":"TTY_INFO","tty_info":{"window_size":{"rows":24,"columns":80}}}}}})";
inline const std::string kV5Json =
    R"({"type":"ATTACH_CONTAINER_INPUT","attach_container_input":{"type":"PROCESS_IO","process_io":{"type":"CONTROL","control":{"type":"HEARTBEAT","heartbeat":{"interval":{"nanoseconds":30000000000}}}}}})";
inline const std::string kV6Json = R"({"type":"DATA","data":{"type":"STDOUT","data":"aGVsbG8K"}})";
inline const std::string kV7Json =
    R"({"type":"CONTROL","control":{"type":"HEARTBEAT","heartbeat":{"interval":{"nanoseconds":30000000000}}}})";
inline const std::string kV8Json =
    R"({"type":"LAUNCH_NESTED_CONTAINER_SESSION","launch_nested_container_session":{"container_id":{"parent":{"parent":{"value":"bde04877-cb26-4277-976e-3ecf0c02e76b"},"value":"134bae93-cf5c-4938-87bf-f779bfcd0092"},"value":"e193a755-8528-4673-a05b-2cc2a01a8b94"},"command":{"environment":{"variables":[{"name":"ENV_VAR_KEY","type":"VALUE","value":"env_var_value"}]},"shell":true,"value":"while [ true ]; do echo $(date); sleep 1; done"}}})";
inline const std::string kV9Json =
    R"({"type":"LAUNCH_NESTED_CONTAINER_SESSION","launch_nested_container_session":{"container_id":{"value":"3192b9d1-db71-4699-ae25-e28dfbf42de1","parent":{"value":"6643b4be-583a-4dc3-bf23-a1ffb26dd452"}},"command":{"environment":{"variables":[{"name":"TERM","type":"VALUE","value":"xterm"}]},"shell":false,"value":"bash","arguments":["bash"]},"container":{"type":"MESOS","tty_info":{}}}})";
inline const std::string kV10CallJson =
    R"({"type":"WAIT_NESTED_CONTAINER","wait_nested_container":{"container_id":{"value":"3192b9d1-db71-4699-ae25-e28dfbf42de1","parent":{"value":"6643b4be-583a-4dc3-bf23-a1ffb26dd452"}}}})";
inline const std::string kV10Exit0Json = R"({"type":"WAIT_NESTED_CONTAINER","wait_nested_container":{"exit_status":0}})";
inline const std::string kV10Exit1Json = R"({"type":"WAIT_NESTED_CONTAINER","wait_nested_container":{"exit_status":256}})";
inline const std::string kV10Kill9Json = R"({"type":"WAIT_NESTED_CONTAINER","wait_nested_container":{"exit_status":9}})";
inline const std::string kV11Json =
    R"({"type":"KILL_NESTED_CONTAINER","kill_nested_container":{"container_id":{"value":"3192b9d1-db71-4699-ae25-e28dfbf42de1","parent":{"value":"6643b4be-583a-4dc3-bf23-a1ffb26dd452"}},"signal":15}})";
inline const std::string kV12Json = R"({"type":"GET_STATE"})";

// Hex helpers: "08 12 52" -> bytes.
inline std::string hex(const std::string& text) {
  std::string out;
  int nibble = -1;
  for (char c : text) {
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0) continue;
    if (nibble < 0) {
      nibble = v;
    } else {
      out += static_cast<char>(nibble << 4 | v);
      nibble = -1;
    }
  }
  return out;
}

}  // namespace airlock::testing::vectors
