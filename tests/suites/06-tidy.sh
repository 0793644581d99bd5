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

# is_heavy FILE: FILE includes Asio, Beast or CLI11, itself or through a project header it
# includes. Those files take several times as long as the rest under clang-tidy.
heavy_include='#include <(boost/(asio|beast)|CLI/)'
is_heavy() {
  local header dir
  grep -qE "$heavy_include" "$1" && return 0
  while read -r header; do
    for dir in "$(dirname "$1")" core/include core/src; do
      [[ -f "$dir/$header" ]] && grep -qE "$heavy_include" "$dir/$header" && return 0
    done
  done < <(sed -nE 's/^#include "([^"]+)".*/\1/p' "$1")
  return 1
}

# The heavy files first: xargs hands out files in order, so the two cores start on the
# long ones and end together instead of one of them finishing a long file alone.
heavy=() light=()
for f in core/src/*.cpp agent/src/*.cpp api/src/*.cpp hub/src/*.cpp; do
  if is_heavy "$f"; then heavy+=("$f"); else light+=("$f"); fi
done
files=("${heavy[@]}" "${light[@]}")
[[ ${#files[@]} -gt 0 ]] || check "there are sources to check" false
[[ ${#heavy[@]} -gt 0 ]] || check "some sources include Asio, Beast or CLI11 (the ordering above found none)" false

# clang-tidy does not read GCC's precompiled headers: a copy of the compile commands
# without them (each source includes what it uses; the PCH only saves parsing).
mkdir -p "$out/db"
sed -E -e 's/ -Winvalid-pch//g' -e 's/ -include [^ ]*cmake_pch\.hxx//g' \
  -e 's/ -Xclang -include-pch -Xclang [^ ]*//g' -e 's/ -Xclang -include -Xclang [^ ]*cmake_pch\.hxx//g' \
  "$db/compile_commands.json" >"$out/db/compile_commands.json"

# Two at a time (the machine's cores); each file's findings land in its own log.
# GCC-only warning flags in the compile commands are not clang-tidy's business.
# shellcheck disable=SC2016 # $1..$3 are the inner shell's arguments
printf '%s\n' "${files[@]}" | xargs -P 2 -I{} sh -c \
  'clang-tidy -p "$1" --quiet --checks="$4" --extra-arg=-Wno-unknown-warning-option "$2" >"$3/$(echo "$2" | tr / _).log" 2>&1; echo $? >"$3/$(echo "$2" | tr / _).rc"' \
  _ "$out/db" {} "$out" "$checks"

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
