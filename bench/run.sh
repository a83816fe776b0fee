#!/usr/bin/env bash
# Runs every benchmark and prints the figures: library build cost, codec micro-benchmarks
# (Google Benchmark) and the end-to-end sync/async comparison (bench_calls).
# Usage: bash bench/run.sh            (about 3 minutes on 2 cores; ASYNC_RUNS=5 async repetitions)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${JOBS:-2}
bash scripts/install-deps.sh >/dev/null

echo "== machine"
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "$(c++ --version | head -1); libcurl $(curl-config --version 2>/dev/null | cut -d' ' -f2 || echo '?')"

echo
echo "== build cost: the SDK library from scratch, Release, -j$jobs"
rm -rf build/bench-libonly
cmake -S . -B build/bench-libonly -DCMAKE_BUILD_TYPE=Release -DZSTACK_BUILD_TESTS=OFF -DZSTACK_BUILD_SIMULATOR=OFF \
  -DZSTACK_BUILD_EXAMPLES=OFF -DZSTACK_BUILD_CLI=OFF >/dev/null
start=$(date +%s.%N)
cmake --build build/bench-libonly -j"$jobs" --target zstack_sdk >/dev/null
end=$(date +%s.%N)
lib=build/bench-libonly/src/libzstack.a
printf "build time: %.1f s; libzstack.a: %.1f MiB (%.1f MiB stripped of debug info)\n" "$(echo "$end - $start" | bc)" \
  "$(echo "$(stat -c %s "$lib") / 1048576" | bc -l)" \
  "$(strip -g -o /tmp/libzstack-stripped.a "$lib" && echo "$(stat -c %s /tmp/libzstack-stripped.a) / 1048576" | bc -l)"

echo
echo "== the whole API: a user file's compile, the largest chunks, the archive"
bash bench/api_cost.sh build/bench-libonly

echo
echo "== building the benchmarks (Release)"
cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DZSTACK_BUILD_BENCHMARKS=ON -DZSTACK_BUILD_TESTS=OFF \
  -DZSTACK_BUILD_EXAMPLES=OFF -DZSTACK_BUILD_CLI=OFF >/dev/null
cmake --build build/bench -j"$jobs" --target bench_codec bench_calls >/dev/null

echo
echo "== codec (median of 5 repetitions)"
./build/bench/bench/bench_codec --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_min_time=0.5 2>/dev/null | grep -E "median|Benchmark"

echo
echo "== end to end (loopback servers in the same process; client on CPU 0, servers on CPU 1)"
# Figures on a 2-core VM move between runs: the sync table runs $SYNC_RUNS times and the async
# one $ASYNC_RUNS times (a burst saturates the client's CPU, and how the scheduler interleaves
# the caller, the engine and the curl thread decides how late the 202s are read); the medians
# across runs are summarised at the end.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for i in $(seq "${SYNC_RUNS:-3}"); do
  ./build/bench/bench/bench_calls --sync >"$tmp/sync.$i"
  if [ "$i" = 1 ]; then cat "$tmp/sync.$i"; else grep "per call" "$tmp/sync.$i"; fi
done
for i in $(seq "${ASYNC_RUNS:-5}"); do
  ./build/bench/bench/bench_calls --async >"$tmp/async.$i"
  if [ "$i" = 1 ]; then cat "$tmp/async.$i"; else grep " x " "$tmp/async.$i"; fi
done
echo
echo "== medians across runs"
python3 - "$tmp" <<'PY'
import glob, re, statistics, sys
rows = {}
for path in sorted(glob.glob(sys.argv[1] + "/*")):
    for line in open(path):
        sync = re.match(r"(\d+ inventory: \w+ per call)\s+\S+ us\s+\S+ us\s+([\d.]+)x", line)
        burst = re.match(r"\s*\d+ x (.+? jobs)\s+([\d.]+) ms", line)
        if sync:
            rows.setdefault("sync " + sync.group(1) + ", SDK/raw", []).append((float(sync.group(2)), "x"))
        elif burst:
            rows.setdefault("async " + burst.group(1) + ", median latency", []).append((float(burst.group(2)), " ms"))
for name, values in rows.items():
    unit = values[0][1]
    nums = [v for v, _ in values]
    print(f"{name:52} {statistics.median(nums):6.2f}{unit}   runs: {' '.join(f'{v:.2f}' for v in nums)}")
PY

echo
echo "== zstack-sim: start-up and queries over 10,000 stored inventories (bench_sim)"
cmake --build build/bench -j"$jobs" --target bench_sim >/dev/null
./build/bench/bench/bench_sim
