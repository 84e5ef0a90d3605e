#!/usr/bin/env bash
# Builds airlock twice and runs every test each time: once optimised with
# -Werror, once under AddressSanitizer + UndefinedBehaviorSanitizer.
# The fuzz targets run their seed corpora under ctest in both builds.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

run_suite() {
  local dir=$1; shift
  cmake -S . -B "$dir" -DAIRLOCK_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
  ctest --test-dir "$dir" --output-on-failure -j"$jobs" --timeout 600
}

echo "== release build, -Werror =="
run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr  # package_deb_test needs /usr
echo "== ASan + UBSan build =="
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp" \
  run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DAIRLOCK_SANITIZER=address,undefined -DAIRLOCK_BUILD_BENCH=OFF
