#!/usr/bin/env bash
# Lints the unit files of systemd/ without a running systemd:
#   systemd-analyze verify  (both services and the socket; ExecStart pointed at
#                            the built airlockd, since verify checks it exists)
#   systemd-analyze security --offline=true: the hardened (Mesos) profile must
#                            score <= 2.0; the local profile is reported.
# Usage: check_units.sh SYSTEMD_DIR AIRLOCKD WORK_DIR
set -euo pipefail
src=$1 airlockd=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
for unit in airlockd.service airlockd-local.service airlockd.socket; do
  sed -e "s#/usr/sbin/airlockd#$airlockd#g" "$src/$unit" > "$work/$unit"
done
cd "$work"
# --man=no: the man pages are installed by the package, not here.
systemd-analyze verify --man=no ./airlockd.service ./airlockd-local.service ./airlockd.socket
echo "verify: ok"
score=$(systemd-analyze security --offline=true ./airlockd.service 2>/dev/null |
        sed -n 's/.*Overall exposure level for airlockd.service: \([0-9.]*\).*/\1/p')
echo "airlockd.service exposure: $score"
awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }' || { echo "exposure above 2.0"; exit 1; }
local_score=$(systemd-analyze security --offline=true ./airlockd-local.service 2>/dev/null |
        sed -n 's/.*Overall exposure level for airlockd-local.service: \([0-9.]*\).*/\1/p')
echo "airlockd-local.service exposure: $local_score (documented: root, shells inherit the sandbox)"
