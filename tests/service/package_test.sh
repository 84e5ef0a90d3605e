#!/usr/bin/env bash
# Builds the .deb with CPack, checks that its Depends cover every library its
# binaries link (and the lws libuv plugin), installs it with apt-get, runs
# the installed airlockd (--version, --check-config on the shipped config),
# verifies the installed units, then removes the package again.
# Usage: package_test.sh BUILD_DIR   (root; the build must be complete)
set -euo pipefail
build=$1
work=$build/package-test
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
if [[ $prefix != /usr ]]; then
  # Build directories configured before the default became /usr keep theirs.
  echo "SKIP: this build installs under $prefix; a Debian package needs /usr" \
       "(reconfigure with -DCMAKE_INSTALL_PREFIX=/usr)"
  exit 77
fi
if [[ $(id -u) != 0 ]]; then echo "SKIP: installing the package needs root"; exit 77; fi
rm -rf "$work" && mkdir -p "$work"
cpack --config "$build/CPackConfig.cmake" -B "$work" > "$work/cpack.log"
deb=$(ls "$work"/airlock_*.deb)
echo "package: $(basename "$deb")"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
dep_names=" $(tr ',|' '\n\n' <<< "$depends" | sed 's/(.*//; s/[[:space:]]//g' | tr '\n' ' ') "
[[ $dep_names == *" libwebsockets-evlib-uv "* ]] || { echo "missing libwebsockets-evlib-uv"; exit 1; }

# Every NEEDED library of every ELF file must come from a package in Depends.
dpkg-deb -x "$deb" "$work/root"
missing=0
while IFS= read -r elf; do
  file "$elf" | grep -q ELF || continue
  for lib in $(readelf -d "$elf" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
    # Several packages may ship a file of that name (libc6 and libc6-i386 both
    # have libm.so.6): one of them in Depends is enough.
    pkgs=$(dpkg -S "*/$lib" 2>/dev/null | cut -d: -f1 | sort -u)
    if [[ -z $pkgs ]]; then echo "$elf: $lib belongs to no package"; missing=1; continue; fi
    found=0
    for pkg in $pkgs; do
      # The package itself, or a name it Provides (libspdlog1.10 provides libspdlog1.10-fmt9).
      names="$pkg $(dpkg-query -W -f='${Provides}' "$pkg" 2>/dev/null | tr ',' '\n' | sed 's/(.*//; s/[[:space:]]//g')"
      for name in $names; do [[ $dep_names == *" $name "* ]] && found=1; done
    done
    [[ $found == 1 ]] || { echo "$(basename "$elf"): $lib ($(echo $pkgs)) not in Depends"; missing=1; }
  done
done < <(find "$work/root" -type f -perm -u+x)
[[ $missing == 0 ]]
echo "dependencies: complete"

if dpkg -s airlock > /dev/null 2>&1; then
  echo "airlock is already installed on this machine; not touching it"; exit 1
fi
trap 'dpkg --purge airlock > /dev/null 2>&1 || true' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq -o DPkg::Lock::Timeout=120 "$deb" > "$work/apt.log" 2>&1 ||
  { cat "$work/apt.log"; exit 1; }
version=$(/usr/sbin/airlockd --version)
echo "installed: $version"
[[ $version == "airlockd "* ]]
/usr/sbin/airlockd --check-config /etc/airlockd/airlockd.toml
/usr/sbin/airlockd --check-config /usr/share/doc/airlock/examples/airlockd.toml
test -x /usr/libexec/airlock/airlock-enter
/usr/bin/airlock --help > /dev/null
/usr/bin/airlock-replay --help > /dev/null
# The man pages are in the package (man itself may not be installed).
for page in man8/airlockd.8 man1/airlock.1 man1/airlock-replay.1 man1/airlock-bench.1; do
  dpkg -L airlock | grep -q "/usr/share/man/$page" || { echo "package lacks $page" >&2; exit 1; }
done
# Documentation=man:airlockd(8) is checked with man(1) when there is one (a
# fresh Debian has none; the pages' presence was checked above).
man_check=--man=yes
command -v man > /dev/null || man_check=--man=no
systemd-analyze verify "$man_check" /lib/systemd/system/airlockd.service \
  /lib/systemd/system/airlockd-local.service /lib/systemd/system/airlockd.socket
echo "package: ok"
