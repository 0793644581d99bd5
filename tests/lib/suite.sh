# shellcheck shell=bash
# For tests/suites/*.sh written in bash: counting checks and the closing line.
#   check "what" CMD...   runs CMD; counts a pass or a failure and says which
#   suite_end             prints "N passed, N failed" and exits non-zero on failures
# shellcheck source=scripts/lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/lib/common.sh"

_suite_passed=0
_suite_failed=0

check() {
  local what="$1"
  shift
  if "$@"; then
    _suite_passed=$((_suite_passed + 1))
    echo "PASS $what"
  else
    _suite_failed=$((_suite_failed + 1))
    echo "FAIL $what"
  fi
}

suite_end() {
  echo "$_suite_passed passed, $_suite_failed failed"
  [[ $_suite_failed -eq 0 ]]
}

# run_ctest PRESET: runs the unit tests of a CMake test preset and closes the suite
# with ctest's totals restated as "N passed, N failed".
run_ctest() {
  local log rc line total failed
  log="$(mktemp)"
  ctest --preset "$1" --no-tests=error -j 2 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  # ctest ends with "N% tests passed, M tests failed out of T".
  line="$(grep -E 'tests passed, [0-9]+ tests failed out of' "$log" | tail -n1)"
  rm -f "$log"
  total="$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")"
  failed="$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")"
  echo "$((${total:-0} - ${failed:-0})) passed, ${failed:-1} failed"
  return "$rc"
}

# stack_env DIR: the whole local stack of `./vmpulse up` in DIR on free ports, so a
# test can bring it up beside a developer's own (and beside other tests).
stack_env() {
  local var
  export VMPULSE_STATE_DIR="$1/state"
  for var in VMPULSE_INGRESS_PORT VMPULSE_INGRESS_TLS_PORT VMPULSE_AGENT_PORT VMPULSE_API_PORT VMPULSE_NODE_API_PORT \
    VMPULSE_HUB_PORT VMPULSE_DB_PORT; do
    export "$var=$(free_port)"
  done
}
