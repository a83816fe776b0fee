#!/usr/bin/env bash
# Builds the API reference (Doxygen HTML) of the public headers, include/zstack (the hand-written
# core and the generated actions/ and types/), into build/docs/html (or $1). Fails on any Doxygen
# warning: an undocumented public declaration, a broken \ref, a bad command. Needs no build.
# Takes 15 to 30 s on 2 cores (75 s beside a parallel build). CI runs it (scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/docs}
command -v doxygen >/dev/null || { echo "docs.sh: doxygen is missing (bash scripts/install-deps.sh)" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/html" "$out/warnings.log"
start=$(date +%s)
status=0
ZSTACK_DOCS_OUT="$out" doxygen docs/Doxyfile || status=$?
warnings=$(grep -c . "$out/warnings.log" 2>/dev/null || true)
if [ "$status" -ne 0 ] || [ "${warnings:-0}" -ne 0 ]; then
  sed "s|$(pwd)/||" "$out/warnings.log" 2>/dev/null | head -50 >&2 || true
  echo "docs.sh: FAILED: doxygen exit $status, ${warnings:-0} warning lines (all: $out/warnings.log)" >&2
  exit 1
fi
echo "docs.sh: $out/html/index.html, 0 warnings, $(( $(date +%s) - start )) s"
