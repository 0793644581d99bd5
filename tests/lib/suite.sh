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
