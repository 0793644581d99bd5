#!/usr/bin/env bash
# The fleet page's first paint in Chromium with 10,000 VMs beside the 10-VM floor
# (issue 15's target: ≤ 1.5 s): builds the dashboard, then fleet-first-paint.mjs
# serves it against fleet-hub.mjs and times 5 loads of each.
#   bench/dashboard/fleet-first-paint.sh [--vms N] [--runs N] [--json FILE]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d /tmp/vmpulse-fleet-paint.XXXXXX)"
trap 'rm -rf "$work"' EXIT

for dir in dashboard tests/dashboard; do
  [[ -d "$root/$dir/node_modules" ]] || (cd "$root/$dir" && npm ci --no-audit --no-fund >/dev/null)
done
(cd "$root/dashboard" && npx vite build --outDir "$work/dist" --emptyOutDir --logLevel warn)
node "$here/fleet-first-paint.mjs" --dist "$work/dist" "$@"
