#!/usr/bin/env bash
# Project C++ is clang-format clean (the root .clang-format), one check per file, so a
# failure names the file and the first lines that differ. Kernel C follows the kernel's
# own style and is not checked here.
# timeout: 120
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/suite.sh
source tests/lib/suite.sh

formatted() {
  local diff
  diff="$(clang-format --style=file "$1" | diff -u "$1" - | head -n 12)"
  [[ -z "$diff" ]] || { printf '%s\n' "$diff"; return 1; }
}

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- '*.cpp' '*.hpp' '*.h' ':!kernel/**' ':!**/node_modules/**')
else # an exported tree without .git
  mapfile -t files < <(find core agent api hub bench fuzz tests -name node_modules -prune -o \
    -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) -print 2>/dev/null | sort)
fi
if [[ ${#files[@]} -eq 0 ]]; then
  check "there are C++ files to check (git ls-files found none)" false
fi
for f in "${files[@]}"; do
  [[ -f "$f" ]] || continue
  check "clang-format $f" formatted "$f"
done
suite_end
