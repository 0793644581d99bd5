#!/usr/bin/env bash
# clang-tidy (the root .clang-tidy: checks that find bugs, warnings as errors) over the
# sources of core, agent, api and hub, with the release build's compile commands, one
# check per file so that a failure names the file and its first findings.
# The static analyzer's checks (clang-analyzer-*) double the time (about 4 minutes
# more on 2 cores), so they run only with VMPULSE_TIDY_ANALYZER=1; the code is kept
# clean of them too.
# timeout: 900
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/suite.sh
source tests/lib/suite.sh

db="$VMPULSE_ROOT/build/release"
if [[ ! -f "$db/compile_commands.json" ]]; then
  check "the release build's compile_commands.json exists ($db)" false
  suite_end
  exit
fi
out="$(mktemp -d /tmp/vmpulse-tidy.XXXXXX)"
checks="-clang-analyzer-*"
[[ "${VMPULSE_TIDY_ANALYZER:-0}" == 1 ]] && checks="clang-analyzer-*"
trap 'rm -rf "$out"' EXIT

files=(core/src/*.cpp agent/src/*.cpp api/src/*.cpp hub/src/*.cpp)
[[ ${#files[@]} -gt 0 ]] || check "there are sources to check" false

# Two at a time (the machine's cores); each file's findings land in its own log.
# GCC-only warning flags in the compile commands are not clang-tidy's business.
# shellcheck disable=SC2016 # $1..$3 are the inner shell's arguments
printf '%s\n' "${files[@]}" | xargs -P 2 -I{} sh -c \
  'clang-tidy -p "$1" --quiet --checks="$4" --extra-arg=-Wno-unknown-warning-option "$2" >"$3/$(echo "$2" | tr / _).log" 2>&1; echo $? >"$3/$(echo "$2" | tr / _).rc"' \
  _ "$db" {} "$out" "$checks"

tidy_clean() {
  local base rc
  base="$out/$(tr / _ <<<"$1")"
  rc="$(cat "$base.rc" 2>/dev/null || echo missing)"
  [[ "$rc" == 0 ]] || { grep -E 'error:|warning:' "$base.log" | grep -v 'warnings generated' | head -n 8; return 1; }
}
for f in "${files[@]}"; do
  check "clang-tidy $f" tidy_clean "$f"
done
suite_end
