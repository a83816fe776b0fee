#!/usr/bin/env bash
# Installs the Debian packages the SDK, its tests, simulator and benchmarks need.
# Idempotent: does nothing when everything is already present. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake pkg-config ca-certificates
  libcurl4-openssl-dev libssl-dev rapidjson-dev catch2
  libcpp-httplib-dev libbenchmark-dev
  # `pkg-config --static zstack` expands libcurl.pc's Libs.private (a static libcurl's
  # dependencies): linking with it needs their -dev packages (scripts/consumers.sh does).
  libnghttp2-dev librtmp-dev libssh2-1-dev libpsl-dev libkrb5-dev libldap-dev libzstd-dev
  libidn2-dev libbrotli-dev zlib1g-dev
  curl openssl  # zscli --curl tests run the printed command (curl, openssl dgst)
  libedit-dev   # zscli's interactive shell (line editing, completion, history)
  clang libclang-rt-14-dev
  doxygen       # the API reference (scripts/docs.sh); no graphviz: the reference draws no graphs
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
