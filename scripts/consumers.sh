#!/usr/bin/env bash
# Consumers of the installed package, the ways README "Install and use" describes:
#  1. the static build (STATIC_BUILD_DIR, default build/ci, already built by scripts/test.sh)
#     installed to a prefix that is then moved; against the moved prefix:
#     find_package(zstack 0.1) builds and runs tests/consumer; 0.2 and 1.0 are refused;
#     `pkg-config --cflags --libs --static zstack` links and runs the same program;
#     find_package(zstack 0.1 COMPONENTS sim) builds and runs the simulator example test;
#  2. a shared build (SHARED_BUILD_DIR, default build/shared: the library and zscli only),
#     libdir lib/x86_64-linux-gnu, installed and moved: soname, RUNPATH, exported symbols
#     (the public API only), zscli --help, find_package and `pkg-config --libs zstack` consumers.
# Usage: scripts/consumers.sh [STATIC_BUILD_DIR [SHARED_BUILD_DIR]]; called by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${JOBS:-2}
static_build=${1:-build/ci}
shared_build=${2:-build/shared}
started=$SECONDS

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=build/consumers  # consumer build trees; fresh each run (their caches name the old prefixes)
rm -rf "$out"
mkdir -p "$out"

fail() { echo "consumers: FAILED: $*" >&2; exit 1; }
step() { echo "== consumers: $*"; }
# The prefix a pkg-config variable resolves to, as a canonical path.
pc_path() { realpath -m "$(pkg-config --variable="$1" zstack)"; }

# ---- 1. static ---------------------------------------------------------------------------------
[ -f "$static_build/CMakeCache.txt" ] || fail "$static_build is not a build tree (run scripts/test.sh, or pass one)"
step "static: install $static_build, move the prefix"
cmake --install "$static_build" --prefix "$work/static-installed" >/dev/null
mv "$work/static-installed" "$work/static"
prefix=$work/static
[ -f "$prefix/lib/libzstack.a" ] || fail "no $prefix/lib/libzstack.a"

step "static: find_package(zstack 0.1 REQUIRED COMPONENTS sim)"
cmake -S tests/consumer -B "$out/static" -DCMAKE_PREFIX_PATH="$prefix" -DZSTACK_WANT_VERSION=0.1 \
  -DZSTACK_WITH_SIM=ON >"$out/static.log" 2>&1 || { cat "$out/static.log"; fail "configure"; }
cmake --build "$out/static" -j"$jobs" >>"$out/static.log" 2>&1 || { cat "$out/static.log"; fail "build"; }
"$out/static/consumer"
"$out/static/sim_test"

for v in 0.2 1.0; do
  step "static: find_package(zstack $v) is refused"
  if cmake -S tests/consumer -B "$out/refused-$v" -DCMAKE_PREFIX_PATH="$prefix" \
       -DZSTACK_WANT_VERSION="$v" >"$out/refused-$v.log" 2>&1; then
    fail "find_package(zstack $v) accepted version 0.1.x"
  fi
  grep -q 'but not accepted' "$out/refused-$v.log" || { cat "$out/refused-$v.log"; fail "refused for another reason"; }
done

step "static: pkg-config --static"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$(pc_path prefix)" = "$(realpath "$prefix")" ] || fail "zstack.pc prefix $(pc_path prefix), not $prefix"
echo "pkg-config --libs zstack:          $(pkg-config --libs zstack)"
echo "pkg-config --libs --static zstack: $(pkg-config --libs --static zstack)"
# shellcheck disable=SC2046
c++ -std=c++17 -o "$out/pc-static" tests/consumer/main.cpp $(pkg-config --cflags --libs --static zstack)
ldd "$out/pc-static" >"$out/pc-static.ldd"
if grep -q libzstack "$out/pc-static.ldd"; then fail "pc-static loads a shared libzstack"; fi
"$out/pc-static"
unset PKG_CONFIG_PATH

# ---- 2. shared ---------------------------------------------------------------------------------
step "shared: build the library and zscli ($shared_build)"
cmake -S . -B "$shared_build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_SHARED_LIBS=ON \
  -DCMAKE_INSTALL_LIBDIR=lib/x86_64-linux-gnu -DZSTACK_BUILD_TESTS=OFF -DZSTACK_BUILD_EXAMPLES=OFF \
  -DZSTACK_BUILD_BENCHMARKS=OFF -DZSTACK_BUILD_SIMULATOR=OFF -DZSTACK_BUILD_CLI=ON -DZSTACK_FULL_API=OFF >/dev/null
cmake --build "$shared_build" -j"$jobs" >/dev/null
step "shared: install, move the prefix"
cmake --install "$shared_build" --prefix "$work/shared-installed" >/dev/null
mv "$work/shared-installed" "$work/shared"
prefix=$work/shared
libdir=$prefix/lib/x86_64-linux-gnu
lib=$(echo "$libdir"/libzstack.so.*.*.*)
[ -f "$lib" ] || fail "no libzstack.so.X.Y.Z in $libdir"

readelf -d "$lib" >"$out/lib.dynamic"
soname=$(sed -n 's/.*Library soname: \[\(.*\)\]/\1/p' "$out/lib.dynamic")
echo "soname: $soname"
[[ "$soname" =~ ^libzstack\.so\.[0-9]+(\.[0-9]+)?$ ]] || fail "soname '$soname'"
readelf -d "$prefix/bin/zscli" >"$out/zscli.dynamic"
runpath=$(sed -n 's/.*Library runpath: \[\(.*\)\]/\1/p' "$out/zscli.dynamic")
echo "zscli RUNPATH: $runpath"
[ "$runpath" = '$ORIGIN/../lib/x86_64-linux-gnu' ] || fail "zscli RUNPATH '$runpath'"

nm -DC --defined-only "$lib" | cut -d' ' -f3- >"$out/lib.symbols"
echo "exported symbols: $(wc -l <"$out/lib.symbols") (nm -D --defined-only)"
# Every exported symbol is a C++ symbol of namespace zstack (or its typeinfo, vtable, thunk,
# guard variable), none of an internal namespace but detail::PageGuard (cmake/zstack.map).
sed -E 's/^(typeinfo for |typeinfo name for |vtable for |VTT for |construction vtable for |guard variable for |non-virtual thunk to |virtual thunk to )//' \
  "$out/lib.symbols" >"$out/lib.names"
grep -v '^zstack::' "$out/lib.names" >"$out/lib.foreign" || true
grep -E '^zstack::(detail|codec|core|crypto|transport|url|utf8|util)::' "$out/lib.names" \
  | grep -v '^zstack::detail::PageGuard::' >"$out/lib.internal" || true
if [ -s "$out/lib.foreign" ] || [ -s "$out/lib.internal" ]; then
  head -20 "$out/lib.foreign" "$out/lib.internal"
  fail "libzstack exports more than the public API (cmake/zstack.map)"
fi

step "shared: zscli --help from the moved prefix"
"$prefix/bin/zscli" --help >"$out/zscli-help.txt" || fail "zscli --help"
ldd "$prefix/bin/zscli" >"$out/zscli.ldd"
loaded=$(sed -n 's/^[[:space:]]*libzstack\.so[^ ]* => \([^ ]*\) .*/\1/p' "$out/zscli.ldd")
[ -n "$loaded" ] && [ "$(realpath "$loaded")" = "$(realpath "$libdir/$soname")" ] \
  || { cat "$out/zscli.ldd"; fail "zscli does not load the moved libzstack ($loaded)"; }
echo "zscli loads $loaded"

step "shared: find_package(zstack 0.1) consumer"
cmake -S tests/consumer -B "$out/shared" -DCMAKE_PREFIX_PATH="$prefix" >"$out/shared.log" 2>&1 \
  || { cat "$out/shared.log"; fail "configure"; }
cmake --build "$out/shared" -j"$jobs" >>"$out/shared.log" 2>&1 || { cat "$out/shared.log"; fail "build"; }
"$out/shared/consumer"

step "shared: pkg-config consumer"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
[ "$(pc_path prefix)" = "$(realpath "$prefix")" ] || fail "zstack.pc prefix $(pc_path prefix), not $prefix"
echo "pkg-config --libs zstack: $(pkg-config --libs zstack)"
# shellcheck disable=SC2046
c++ -std=c++17 -o "$out/pc-shared" tests/consumer/main.cpp $(pkg-config --cflags --libs zstack) \
  -Wl,-rpath,"$(pkg-config --variable=libdir zstack)"
"$out/pc-shared"
unset PKG_CONFIG_PATH

echo "== consumers: all passed ($((SECONDS - started)) s)"
