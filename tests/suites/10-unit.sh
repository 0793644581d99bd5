#!/usr/bin/env bash
# Unit tests of every C++ component (GoogleTest through ctest), release build.
# timeout: 600
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/suite.sh
source tests/lib/suite.sh
run_ctest release
