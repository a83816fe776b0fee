#!/usr/bin/env bash
# The whole API's costs (docs/PERFORMANCE.md, "The whole API"): what one area header and one call
# cost a user's compile, the peak compiler memory of the largest generated chunk, and, when a
# Release build directory is given, the size of libzstack.a split into generated and core objects.
# Usage: bash bench/api_cost.sh [release-build-dir]      (RUNS=5 compiles of the user file)
set -euo pipefail
cd "$(dirname "$0")/.."
cxx=${CXX:-c++}
runs=${RUNS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

# CPU (user + sys) and peak memory of compiling one file; prints "cpu_s rss_mib".
compile() {
  /usr/bin/time -f "%U %S %M" -o "$tmp/time" "$cxx" "$@" -o "$tmp/out.o" >/dev/null 2>&1
  awk '{printf "%.2f %.0f\n", $1 + $2, $3 / 1024}' "$tmp/time"
}
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo
echo "== user TU: bench/user_tu.cpp (zstack/actions/vm_instances.hpp + CreateVmInstanceAction::call), -O2, $runs runs"
for i in $(seq "$runs"); do compile -O2 -std=c++17 -Iinclude -c bench/user_tu.cpp; done >"$tmp/user"
printf "CPU (user+sys) median %.2f s, runs: %s; peak memory %s MiB\n" "$(cut -d' ' -f1 "$tmp/user" | median)" \
  "$(cut -d' ' -f1 "$tmp/user" | tr '\n' ' ')" "$(cut -d' ' -f2 "$tmp/user" | sort -n | tail -1)"

echo
echo "== the largest generated chunks, with the Release flags (-O3; -Os for the actions, as src/CMakeLists.txt sets)"
big=$(ls -S src/generated/actions_[0-9]*.cpp | head -1)
read -r cpu rss < <(compile -O3 -DNDEBUG -fPIC -std=c++17 -Iinclude -Isrc -Os -c "$big")
echo "$(basename "$big"): CPU $cpu s, peak compiler memory $rss MiB"
big=$(ls -S src/generated/types_[0-9]*.cpp | head -1)
read -r cpu rss < <(compile -O3 -DNDEBUG -fPIC -std=c++17 -Iinclude -Isrc -c "$big")
echo "$(basename "$big"): CPU $cpu s, peak compiler memory $rss MiB"

if [ $# -ge 1 ]; then
  lib="$1/src/libzstack.a"
  echo
  echo "== $lib"
  gen=$(ar tv "$lib" | awk '$NF ~ /^(actions_|types_|catalog_index)/ {s += $3} END {print s + 0}')
  all=$(stat -c %s "$lib")
  printf "libzstack.a %.1f MiB: generated objects %.1f MiB, the rest %.1f MiB\n" \
    "$(echo "$all / 1048576" | bc -l)" "$(echo "$gen / 1048576" | bc -l)" "$(echo "($all - $gen) / 1048576" | bc -l)"
  grep -q 'CMAKE_CXX_FLAGS_RELEASE:STRING' "$1/CMakeCache.txt" && \
    echo "build type $(grep CMAKE_BUILD_TYPE: "$1/CMakeCache.txt" | cut -d= -f2), release flags: $(grep 'CMAKE_CXX_FLAGS_RELEASE:STRING' "$1/CMakeCache.txt" | cut -d= -f2)"
fi
