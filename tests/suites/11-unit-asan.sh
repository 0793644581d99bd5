#!/usr/bin/env bash
# The same unit tests built with AddressSanitizer and UndefinedBehaviorSanitizer.
# timeout: 1500
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/suite.sh
source tests/lib/suite.sh
# shellcheck source=scripts/lib/build.sh
source scripts/lib/build.sh
# Only what ctest runs: the servers, tools and benchmarks add nothing under the sanitizers here.
build_preset asan --target vmpulse_tests || { echo "0 passed, 1 failed"; exit 1; }
run_ctest asan
