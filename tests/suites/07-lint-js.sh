#!/usr/bin/env bash
# JavaScript is ESLint and Prettier clean: the dashboard, node-api, the tests and the
# benchmarks, one check per tool per folder, so a failure names the folder and lists
# the findings. The tools are pinned in tests/lint-js/package.json; the ESLint rules in
# tests/lint-js/eslint.config.js, the Prettier style in the root .prettierrc.json.
# Re-format after a change: tests/lint-js/node_modules/.bin/prettier --write FOLDER
# timeout: 180
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/suite.sh
source tests/lib/suite.sh
# shellcheck source=scripts/lib/deps.sh
source scripts/lib/deps.sh

need_npm tests/lint-js
bin=tests/lint-js/node_modules/.bin

eslint_clean() { # FOLDER
  "$bin/eslint" --config tests/lint-js/eslint.config.js --max-warnings 0 "$1"
}

# Prettier reads only the JavaScript (not JSON, HTML or CSS); node_modules and what
# .gitignore names (dist/) are left out.
prettier_clean() { # FOLDER
  "$bin/prettier" --check --log-level warn "$1/**/*.{js,jsx,mjs,cjs}"
}

for folder in dashboard node-api tests bench; do
  check "eslint $folder" eslint_clean "$folder"
  check "prettier $folder" prettier_clean "$folder"
done
suite_end
