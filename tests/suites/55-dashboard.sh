#!/usr/bin/env bash
# The React dashboard: its unit tests (Vitest), a production build and its size
# budget, then the end-to-end test in Debian's Chromium against the real hub
# (build/bin/vmpulse-hub) and a private MariaDB, and the alerts and process-table /
# v2-metrics checks in Chromium against tests/dashboard/fake-hub.mjs. Screenshots and
# logs go to $VMPULSE_TEST_OUTPUT/dashboard/.
# timeout: 600
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/suite.sh
source tests/lib/suite.sh
# shellcheck source=scripts/lib/mariadb.sh
source scripts/lib/mariadb.sh
# shellcheck source=scripts/lib/deps.sh
source scripts/lib/deps.sh

out="${VMPULSE_TEST_OUTPUT:-$VMPULSE_ROOT/test-output}/dashboard"
rm -rf "$out"
mkdir -p "$out"
work="$(mktemp -d /tmp/vmpulse-dashboard.XXXXXX)"
cleanup() {
  db_stop "$work/db"
  rm -rf "$work"
}
trap cleanup EXIT

need_npm dashboard
need_npm tests/dashboard

# node --test / vitest totals, restated as checks so the suite's line adds them up.
unit_passed=0 unit_failed=0
count_tests() { # LABEL PASSED FAILED
  unit_passed=$((unit_passed + $2))
  unit_failed=$((unit_failed + $3))
  echo "$1: $2 passed, $3 failed"
}

# 1. Unit tests of the pure modules.
(cd dashboard && timeout 120 npx vitest run --reporter=default --reporter=json --outputFile="$work/vitest.json") 2>&1 | tail -n 25
if [[ -f "$work/vitest.json" ]]; then
  count_tests vitest "$(node -p "require('$work/vitest.json').numPassedTests")" "$(node -p "require('$work/vitest.json').numFailedTests")"
else
  count_tests vitest 0 1
fi

# 2. Production build (into a private folder, not dashboard/dist) and its size.
check "vite build" bash -c "cd dashboard && timeout 120 npx vite build --outDir '$work/dist' --emptyOutDir --logLevel warn"
node dashboard/scripts/bundle-size.mjs "$work/dist" | tee "$out/bundle-size.txt"
check "initial JavaScript within 250 KB gzipped" test "${PIPESTATUS[0]}" -eq 0

# 3. End to end: private MariaDB, the real hub, the built dashboard, Chromium.
hub_bin="${VMPULSE_HUB_BIN:-$VMPULSE_BIN/vmpulse-hub}"
check "hub binary exists ($hub_bin)" test -x "$hub_bin"
db_port="$(free_port)"
if db_start "$work/db" "$db_port" && db_migrate "$(db_url "$work/db" "$db_port")" >/dev/null; then
  check "private MariaDB started and migrated" true
  if [[ -x "$hub_bin" && -f "$work/dist/index.html" ]]; then
    VMPULSE_E2E_DB_URL="$(db_url "$work/db" "$db_port")" VMPULSE_E2E_DIST="$work/dist" \
      VMPULSE_E2E_HUB_BIN="$hub_bin" VMPULSE_E2E_OUT="$out" \
      timeout 240 node --test --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=tap --test-reporter-destination="$work/e2e.tap" tests/dashboard/e2e.test.mjs
    pass="$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$work/e2e.tap" 2>/dev/null | tail -n1)"
    fail="$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$work/e2e.tap" 2>/dev/null | tail -n1)"
    [[ -n "$pass" ]] || { pass=0; fail=1; } # died before reporting
    count_tests e2e "$pass" "${fail:-1}"
    [[ -f "$out/metrics.json" ]] && echo "e2e metrics: $(tr -d ' \n' <"$out/metrics.json")"
  else
    count_tests e2e 0 1
  fi
else
  check "private MariaDB started and migrated" false
fi

# 4. Alerts (bar, table marks, history, silences, live changes), then the process
#    table and the v2 charts, against the fake hub, which speaks the alerts protocol
#    and /api/processes, lets the test drive the alert changes, and sends v1 records
#    for the VMs given to --v1.
for name in alerts processes fleet; do
  if [[ -f "$work/dist/index.html" ]]; then
    VMPULSE_E2E_DIST="$work/dist" VMPULSE_E2E_OUT="$out" \
      timeout 150 node --test --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=tap --test-reporter-destination="$work/$name.tap" "tests/dashboard/$name.test.mjs"
    pass="$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$work/$name.tap" 2>/dev/null | tail -n1)"
    fail="$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$work/$name.tap" 2>/dev/null | tail -n1)"
    [[ -n "$pass" ]] || { pass=0; fail=1; }
    count_tests "$name" "$pass" "${fail:-1}"
  else
    count_tests "$name" 0 1
  fi
done

_suite_passed=$((_suite_passed + unit_passed))
_suite_failed=$((_suite_failed + unit_failed))
echo "screenshots and logs: $out"
suite_end
