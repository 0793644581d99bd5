#!/usr/bin/env bash
# The same unit tests built with AddressSanitizer and UndefinedBehaviorSanitizer.
# timeout: 1500
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
# shellcheck source=scripts/lib/build.sh
source scripts/lib/build.sh
build_preset asan || { echo "0 passed, 1 failed"; exit 1; }
ctest --preset asan --no-tests=error -j 2 2>&1 | tee /tmp/vmpulse-ctest-asan.log
rc=${PIPESTATUS[0]}
line="$(grep -E 'tests passed, [0-9]+ tests failed out of' /tmp/vmpulse-ctest-asan.log | tail -n1)"
total="$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")"
failed="$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")"
echo "$((${total:-0} - ${failed:-0})) passed, ${failed:-1} failed"
exit "$rc"
