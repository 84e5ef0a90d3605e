#!/bin/sh
# One batch on one machine: the same airlock-bench scenarios against airlockd,
# raw PTYs (the floor) and, when TTYD_BIN names a ttyd you built yourself,
# ttyd. Writes OUT_DIR/{airlock,raw,ttyd}.json, suite.svg and compare-*.md.
#
#   bench/load/run_suite.sh BUILD_DIR OUT_DIR [airlock-bench options...]
#   TTYD_BIN=/tmp/ttyd/build/ttyd bench/load/run_suite.sh build-bench /tmp/suite
#
# Everything listens on 127.0.0.1 only; each bench run is bounded by
# `timeout` (SUITE_TIMEOUT seconds, default 1800). Servers are stopped by pid.
# AIRLOCKD_ARGS adds daemon flags (e.g. "--recordings /tmp/rec").
set -eu
build=${1:?usage: run_suite.sh BUILD_DIR OUT_DIR [airlock-bench options...]}
out=${2:?usage: run_suite.sh BUILD_DIR OUT_DIR [airlock-bench options...]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
bench="$build/bench/load/airlock-bench"
daemon="$build/daemon/airlockd"
limit=${SUITE_TIMEOUT:-1800}
ttyd_port=${TTYD_PORT:-27931}
mkdir -p "$out"

daemon_pid=
ttyd_pid=
cleanup() {
  [ -n "$daemon_pid" ] && kill -TERM "$daemon_pid" 2>/dev/null || true
  [ -n "$ttyd_pid" ] && kill -TERM "$ttyd_pid" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

echo "load before: $(cat /proc/loadavg)"
# shellcheck disable=SC2086
"$daemon" --listen 127.0.0.1:0 --insecure-no-auth --config "$here/airlockd-bench.toml" ${AIRLOCKD_ARGS:-} >"$out/airlockd.out" 2>"$out/airlockd.err" &
daemon_pid=$!
for _ in $(seq 50); do
  grep -q '^listening on ' "$out/airlockd.out" && break
  sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$out/airlockd.out")
[ -n "$url" ] || { echo "airlockd did not start; see $out/airlockd.err" >&2; exit 1; }

timeout "$limit" "$bench" --url "$url" --pid "$daemon_pid" --label airlock --out "$out/airlock.json" "$@" >"$out/airlock.md" 2>"$out/airlock.log"
kill -TERM "$daemon_pid"; wait "$daemon_pid" || true; daemon_pid=
timeout "$limit" "$bench" --raw --label raw --out "$out/raw.json" "$@" >"$out/raw.md" 2>"$out/raw.log"
runs="$out/raw.json $out/airlock.json"

if [ -n "${TTYD_BIN:-}" ]; then
  if ss -ltn | grep -q ":$ttyd_port "; then
    echo "port $ttyd_port is taken; set TTYD_PORT" >&2; exit 1
  fi
  # The same clean shell environment the bench gives airlock and raw sessions.
  env -i PS1='$ ' TERM=xterm-256color PATH=/usr/local/bin:/usr/bin:/bin HOME="$HOME" \
    "$TTYD_BIN" -i 127.0.0.1 -p "$ttyd_port" -W bash --norc --noprofile >"$out/ttyd.out" 2>&1 &
  ttyd_pid=$!
  sleep 1
  timeout "$limit" "$bench" --protocol ttyd --url "ws://127.0.0.1:$ttyd_port/ws" --pid "$ttyd_pid" \
    --label ttyd --out "$out/ttyd.json" "$@" >"$out/ttyd.md" 2>"$out/ttyd.log"
  kill -TERM "$ttyd_pid"; wait "$ttyd_pid" || true; ttyd_pid=
  runs="$runs $out/ttyd.json"
  "$bench" --compare "$out/ttyd.json" "$out/airlock.json" >"$out/compare-ttyd-airlock.md"
fi
"$bench" --compare "$out/raw.json" "$out/airlock.json" >"$out/compare-raw-airlock.md"
# shellcheck disable=SC2086
"$bench" --plot $runs --svg "$out/suite.svg" >"$out/summary.md"
echo "load after: $(cat /proc/loadavg)"
cat "$out/summary.md"
