# shellcheck shell=bash
# summary: install what tests need, build, run every suite (or the named ones)
# usage: ./vmpulse test [SUITE...]     suites: tests/suites/NN-NAME.sh, by NAME
#
# Each suite is an executable that prints, as its last such line, "N passed, N failed"
# and exits non-zero when anything failed; a suite that dies without that line counts
# as one failure. A suite may set its time limit in a "# timeout: SECONDS" line.
# The run ends with the summed "N passed, N failed" line.
# shellcheck source=scripts/lib/deps.sh
source "$VMPULSE_ROOT/scripts/lib/deps.sh"
# shellcheck source=scripts/lib/build.sh
source "$VMPULSE_ROOT/scripts/lib/build.sh"

_out="${VMPULSE_TEST_OUTPUT:-$VMPULSE_ROOT/test-output}"
export VMPULSE_TEST_OUTPUT="$_out"
mkdir -p "$_out"

_all=()
for _f in "$VMPULSE_ROOT"/tests/suites/*.sh; do
  [[ -x "$_f" ]] && _all+=("$_f")
done
_selected=()
if [[ $# -eq 0 ]]; then
  _selected=("${_all[@]}")
else
  for _want in "$@"; do
    _found=""
    for _f in "${_all[@]}"; do
      if [[ "$(basename "$_f" .sh | sed 's/^[0-9]*-//')" == "$_want" ]]; then
        _selected+=("$_f")
        _found=1
      fi
    done
    [[ -n "$_found" ]] || die "unknown suite: $_want (suites: $(for f in "${_all[@]}"; do basename "$f" .sh | sed 's/^[0-9]*-//'; done | tr '\n' ' '))"
  done
fi

_started=$SECONDS
need_packages_for test
# npm ci in every Node.js folder mostly waits on the network: it runs while the release
# build keeps the CPU busy, instead of before it.
(
  for _lock in "$VMPULSE_ROOT"/*/package-lock.json "$VMPULSE_ROOT"/tests/*/package-lock.json; do
    [[ -f "$_lock" ]] && need_npm "$(dirname "${_lock#"$VMPULSE_ROOT"/}")"
  done
) >"$_out/npm-ci.log" 2>&1 &
_npm_pid=$!

_passed=0 _failed=0
_report=()
info "building (release)"
if ! (build_preset release) >"$_out/build-release.log" 2>&1; then
  tail -n 60 "$_out/build-release.log"
  echo "0 passed, 1 failed"
  die "the release build failed; log: $_out/build-release.log"
fi
info "build done in $((SECONDS - _started)) s"
_npm_rc=0
wait "$_npm_pid" || _npm_rc=$?
cat "$_out/npm-ci.log"
[[ $_npm_rc -eq 0 ]] || die "npm ci failed; log: $_out/npm-ci.log"

for _suite in "${_selected[@]}"; do
  _name="$(basename "$_suite" .sh | sed 's/^[0-9]*-//')"
  _limit="$(sed -n 's/^# timeout: *\([0-9]*\).*/\1/p' "$_suite" | head -n1)"
  _limit="${_limit:-600}"
  _log="$_out/$_name.log"
  _t0=$SECONDS
  info "suite $_name (limit ${_limit}s)"
  set +e
  timeout --kill-after=10 "$_limit" "$_suite" >"$_log" 2>&1
  _rc=$?
  set -e
  _line="$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$_log" | tail -n1 || true)"
  if [[ -n "$_line" ]]; then
    _p="$(sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed.*/\2/' <<<"$_line")"
    _fl="$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$_line")"
  else
    _p=0 _fl=0
  fi
  if [[ $_rc -ne 0 && $_fl -eq 0 ]]; then
    _fl=1 # died, timed out or failed without saying what
  fi
  _passed=$((_passed + _p))
  _failed=$((_failed + _fl))
  if [[ $_fl -eq 0 ]]; then
    ok "$_name: $_p passed in $((SECONDS - _t0)) s"
  else
    printf '%s %s: %s passed, %s failed (exit %s) in %s s; log %s\n' "$(red FAIL)" \
      "$_name" "$_p" "$_fl" "$_rc" "$((SECONDS - _t0))" "$_log"
    echo "----- last lines of $_log -----"
    tail -n 80 "$_log"
    echo "-----"
  fi
  _report+=("$(printf '%-16s %5s passed %4s failed %5ss' "$_name" "$_p" "$_fl" "$((SECONDS - _t0))")")
done

echo
info "summary (logs in $_out, total $((SECONDS - _started)) s)"
printf '  %s\n' "${_report[@]}"
echo "$_passed passed, $_failed failed"
[[ $_failed -eq 0 ]]
