#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz) in build/fuzz with clang and runs every one.
#
#   bash scripts/fuzz.sh            # 300 s per fuzzer
#   bash scripts/fuzz.sh 600        # 600 s per fuzzer (or FUZZ_SECONDS=600)
#   bash scripts/fuzz.sh --smoke    # ~8 s per fuzzer: what scripts/test.sh (CI) runs
#
# Smoke runs stop a fuzzer at its first finding. Longer runs use libFuzzer's fork mode
# (-fork=1 -ignore_crashes=1 ...): a finding is saved and fuzzing goes on, so one known bug does
# not end the search for others.
#
# Working corpora are build/fuzz/corpus-<name>, seeded from tests/fuzz/corpus/<name>; findings
# (crash-*, leak-*, timeout-*, oom-*) land in build/fuzz/findings/<name>/. Every input in
# tests/fuzz/regressions/<name>-*.bin is replayed first. Prints the executions per fuzzer and
# in total; exits non-zero on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${JOBS:-2}

seconds=${FUZZ_SECONDS:-300}
smoke=0
for arg in "$@"; do
  case "$arg" in
    --smoke) seconds=${FUZZ_SMOKE_SECONDS:-8}; smoke=1 ;;
    ''|*[!0-9]*) echo "usage: $0 [--smoke | SECONDS]" >&2; exit 2 ;;
    *) seconds=$arg ;;
  esac
done

build=build/fuzz
CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZSTACK_FULL_API=OFF \
  -DZSTACK_BUILD_FUZZERS=ON -DZSTACK_BUILD_TESTS=OFF -DZSTACK_BUILD_SIMULATOR=OFF \
  -DZSTACK_BUILD_EXAMPLES=OFF -DZSTACK_BUILD_BENCHMARKS=OFF \
  -DZSTACK_BUILD_CLI=ON >/dev/null  # cli/ stays in: it defines zscli_args for fuzz_zscli_args
cmake --build "$build" -j"$jobs" --target zstack_fuzzers

mapfile -t fuzzers < <(find "$build/tests/fuzz" -maxdepth 1 -type f -executable -name 'fuzz_*' -printf '%f\n' | sort)
if [ ${#fuzzers[@]} -eq 0 ]; then echo "fuzz: no fuzzers built" >&2; exit 1; fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
common=(-timeout=5 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1)

total=0
failed=()
summary=()
for f in "${fuzzers[@]}"; do
  exe="$build/tests/fuzz/$f"
  log="$build/$f.log"
  corpus="$build/corpus-$f"
  findings="$build/findings/$f"
  mkdir -p "$corpus" "$findings"
  [ -d "tests/fuzz/corpus/$f" ] && cp -n tests/fuzz/corpus/"$f"/* "$corpus"/ 2>/dev/null || true

  # Past findings first: each must now run clean.
  shopt -s nullglob
  regressions=(tests/fuzz/regressions/"$f"-*.bin)
  shopt -u nullglob
  if [ ${#regressions[@]} -gt 0 ] && ! "$exe" "${common[@]}" "${regressions[@]}" >"$build/$f.regressions.log" 2>&1; then
    echo "fuzz: $f fails on a regression input, see $build/$f.regressions.log" >&2
    failed+=("$f(regression)")
  fi

  echo "== fuzz $f for ${seconds}s"
  rc=0
  mode=()
  [ "$smoke" -eq 1 ] || mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  "$exe" "${common[@]}" "${mode[@]}" -max_total_time="$seconds" -artifact_prefix="$findings/" \
    "$corpus" >"$log" 2>&1 || rc=$?
  if [ "$smoke" -eq 1 ]; then
    execs=$(grep -m1 -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  else  # fork mode: the last status line, "#1038414: cov: ... oom/timeout/crash: 0/0/0 ..."
    execs=$(grep -o '^#[0-9]*: cov:' "$log" | tail -1 | tr -dc '0-9')
    execs=${execs:-0}
  fi
  total=$((total + execs))
  shopt -s nullglob
  artifacts=("$findings"/crash-* "$findings"/leak-* "$findings"/timeout-* "$findings"/oom-* "$findings"/slow-unit-*)
  shopt -u nullglob
  if [ "$rc" -ne 0 ] || [ ${#artifacts[@]} -gt 0 ]; then
    summary+=("$(printf '%-20s %12s executions  FINDING (exit %d): %s' "$f" "$execs" "$rc" "${artifacts[*]:-see $log}")")
    failed+=("$f")
    grep -E 'ERROR:|runtime error|SUMMARY|^    #[0-9]' "$log" | head -30 >&2 || true
  else
    summary+=("$(printf '%-20s %12s executions  corpus %s files' "$f" "$execs" "$(find "$corpus" -type f | wc -l)")")
  fi
done

echo "== fuzz summary (${seconds}s per fuzzer)"
printf '%s\n' "${summary[@]}"
printf '%-20s %12s executions\n' "total" "$total"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]} (reproducers under $build/findings/)" >&2
  exit 1
fi
