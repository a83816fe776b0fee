#!/usr/bin/env bash
# Installs what is missing, builds the SDK and the examples, and runs the quickstart example
# against the embedded simulator (pass --endpoint URL --public-l3 UUID ... for a real ZStack).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/quickstart -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZSTACK_BUILD_TESTS=OFF >/dev/null
cmake --build build/quickstart -j"${JOBS:-2}" --target example_quickstart zscli zstack-sim
./build/quickstart/examples/example_quickstart "$@"
