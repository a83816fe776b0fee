#!/usr/bin/env bash
# The full test suite: installs what is missing, checks the generated API is current and the API
# reference builds without a warning (scripts/docs.sh), builds, runs every test, then the same tests
# under AddressSanitizer + UndefinedBehaviorSanitizer, a short run of every libFuzzer harness
# (scripts/fuzz.sh --smoke), the unit, transport and integration tests under ThreadSanitizer
# (scripts/tsan.sh), then checks the installed package the ways users consume it
# (scripts/consumers.sh). This is what CI runs (.ci/run). The sanitizer, fuzz and shared
# builds compile the 75 documented actions only (ZSTACK_FULL_API=OFF): their subject is the
# core; the Release build compiles and tests all 1,887.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${JOBS:-2}

bash scripts/install-deps.sh
python3 tools/gen_api.py --check
echo "== API reference (Doxygen over include/zstack; any warning fails)"
bash scripts/docs.sh
echo "== importer and generator unit tests (tools/import_zstack.py, the doc comments of tools/gen_api.py)"
python3 -m unittest discover -s tests/tools

echo "== build and test (RelWithDebInfo)"
cmake -S . -B build/ci -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZSTACK_BUILD_BENCHMARKS=ON >/dev/null
cmake --build build/ci -j"$jobs"
ctest --test-dir build/ci --output-on-failure -j"$jobs"

echo "== build and test under ASan + UBSan"
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DZSTACK_SANITIZE=ON -DZSTACK_BUILD_EXAMPLES=OFF -DZSTACK_FULL_API=OFF >/dev/null
cmake --build build/asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build/asan --output-on-failure -j"$jobs"

echo "== fuzz smoke (libFuzzer + ASan + UBSan, clang; a few seconds per harness)"
bash scripts/fuzz.sh --smoke

echo "== build and test under ThreadSanitizer (unit, transport, integration)"
bash scripts/tsan.sh

echo "== consumers of the installed package (static and shared, CMake and pkg-config, sim component)"
JOBS="$jobs" bash scripts/consumers.sh build/ci build/shared
echo "== all tests passed"
