#!/bin/bash
# gen_corpus.sh OUT_FILE: a deterministic-recipe "typical terminal output" corpus
# (the method of ../shared/peerbench/gen_data.sh, smaller: ~38 MB).
#   ls -laR --color=always /usr (ANSI colours), 12 MB of C headers, 400 man
#   pages (troff), dmesg + dpkg/apt logs, 4 MB of `apt-cache dumpavail`,
#   4 MB of base64 noise from a fixed seed. Not committed: it is large.
set -eu
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ls -laR --color=always /usr > "$tmp/ls.txt" 2>/dev/null || true
find /usr/include -name '*.h' -type f -print0 | sort -z | xargs -0 cat 2>/dev/null | head -c 12000000 > "$tmp/h.txt" || true
(find /usr/share/man -name '*.gz' | sort | head -400 | xargs zcat 2>/dev/null) > "$tmp/man.txt" || true
(dmesg 2>/dev/null; cat /var/log/dpkg.log /var/log/apt/history.log 2>/dev/null) > "$tmp/logs.txt" || true
apt-cache dumpavail 2>/dev/null | head -c 4000000 > "$tmp/pkgs.txt" || true
# Fixed-seed pseudo-random bytes (openssl's AES-CTR keystream from a fixed key), base64'd.
openssl enc -aes-128-ctr -K 000102030405060708090a0b0c0d0e0f -iv 0 -nosalt -in /dev/zero 2>/dev/null \
  | head -c 3000000 | base64 > "$tmp/b64.txt"
# Terminals get CR LF: convert like the pty's onlcr would.
cat "$tmp/ls.txt" "$tmp/h.txt" "$tmp/man.txt" "$tmp/logs.txt" "$tmp/pkgs.txt" "$tmp/b64.txt" \
  | sed 's/$/\r/' > "$out"
ls -l "$out"
