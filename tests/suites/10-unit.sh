#!/usr/bin/env bash
# Unit tests of every C++ component (GoogleTest through ctest), release build.
# timeout: 600
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ctest --preset release --no-tests=error -j 2 2>&1 | tee /tmp/vmpulse-ctest-release.log
rc=${PIPESTATUS[0]}
# ctest ends with "N% tests passed, M tests failed out of T"; restate it as the runner's line.
line="$(grep -E 'tests passed, [0-9]+ tests failed out of' /tmp/vmpulse-ctest-release.log | tail -n1)"
total="$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")"
failed="$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")"
echo "$((${total:-0} - ${failed:-0})) passed, ${failed:-1} failed"
exit "$rc"
