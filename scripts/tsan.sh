#!/usr/bin/env bash
# Builds the unit, transport, integration and hostile-server tests under ThreadSanitizer (build/tsan, Debug at
# -O1, ZSTACK_TSAN=ON) and runs them with ctest (labels unit, transport, integration, hostile; see the
# catch_discover_tests calls in tests/). Suppressions: tests/tsan.supp (third-party only).
# scripts/test.sh runs this; it works alone too.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${JOBS:-2}
build=build/tsan

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DZSTACK_TSAN=ON -DZSTACK_FULL_API=OFF \
  -DZSTACK_BUILD_EXAMPLES=OFF -DZSTACK_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build" -j"$jobs" --target unit_tests transport_tests integration_tests hostile_tests

export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp${TSAN_OPTIONS:+:$TSAN_OPTIONS}"

# TSan needs a fixed memory layout. Kernels with many mmap randomization bits
# (vm.mmap_rnd_bits > 28) make it die with "FATAL: ThreadSanitizer: unexpected memory mapping";
# then everything runs with address randomization off for this process tree (setarch -R).
run=()
probe=$("$build/tests/unit_tests" --list-test-names-only 2>&1 >/dev/null || true)
if grep -q "unexpected memory mapping" <<<"$probe"; then
  echo "tsan: this kernel's mmap randomization breaks TSan; running under setarch $(uname -m) -R"
  run=(setarch "$(uname -m)" -R)
fi

"${run[@]}" ctest --test-dir "$build" -L '^(unit|transport|integration|hostile)$' --output-on-failure -j"$jobs"
