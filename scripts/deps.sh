#!/usr/bin/env bash
# Installs what airlock needs to build and test on Debian 12 (run as root or
# with sudo). Safe to run again.
set -euo pipefail
packages=(
  build-essential cmake pkg-config git ca-certificates
  libuv1-dev libwebsockets-dev libwebsockets-evlib-uv
  libprotobuf-dev protobuf-compiler
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  libzstd-dev libssl-dev
  libcurl4-openssl-dev nlohmann-json3-dev
  golang-github-mesos-mesos-go-dev golang-github-gogo-protobuf-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  asciinema bsdutils procps
  libsystemd-dev systemd prometheus
  file dpkg-dev
  socat openssl
)
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "deps: installed ${#packages[@]} packages"
