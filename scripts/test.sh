#!/usr/bin/env bash
# Builds airlock twice and runs every test each time: once optimised with
# -Werror, once under AddressSanitizer + UndefinedBehaviorSanitizer.
# The fuzz targets run their seed corpora under ctest in both builds.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

# run_suite DIR "CTEST EXTRA ARGS" CMAKE ARGS...
run_suite() {
  local dir=$1 extra=$2; shift 2
  cmake -S . -B "$dir" -DAIRLOCK_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
  # shellcheck disable=SC2086
  ctest --test-dir "$dir" --output-on-failure -j"$jobs" --timeout 600 $extra
}

echo "== release build, -Werror =="
run_suite build "" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr  # package_deb_test needs /usr
echo "== ASan + UBSan build =="
# Under the sanitizers a failing test is retried once; a real failure fails
# twice. It is kept for the one test still known to be load-sensitive there:
#   - ExecCliTest.KilledClientLeavesNoProcessBehind (failed once beside other
#     tests, passed on rerun; cause not found yet).
#   - DaemonLifecycleTest.SigtermEndsSessionsWithAMessageAndExitsCleanly: the
#     last ERRORs before a shutdown can be lost when the client's CREDIT is
#     still arriving as the daemon closes (the kernel then sends RST). Under
#     ASan here it failed 3 of 12 runs at 2008375, 1 of 24 with unread input
#     drained before the close; a lingering half-close would end it.
# Causes found and fixed, no longer covered by it: the agent emulator's
# output loss with 50 concurrent Mesos sessions (17ad92c) and its hang on
# SIGTERM with a session ending (SessionsTest.ListShowsLiveSessions/Mesos,
# AgentEmulatorShutdownTest). A retried test still prints its first failure
# above the summary: grep the log for "Failed" to see whether one was needed.
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp" \
  run_suite build-asan "--repeat until-pass:2" -DCMAKE_BUILD_TYPE=Debug -DAIRLOCK_SANITIZER=address,undefined -DAIRLOCK_BUILD_BENCH=OFF
