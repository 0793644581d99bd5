#!/usr/bin/env bash
# Dashboard benchmark: initial JavaScript (gzipped) of vmpulse's dashboard beside the
# peer's (Netdata's web dashboard, Debian package netdata-web, when installed), then
# page numbers of ours in Chromium with 3,600 points per chart (page-bench.mjs).
#   bench/dashboard/run.sh [--loads N] [--seconds S]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d /tmp/vmpulse-dash-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

(cd "$root/dashboard" && npx vite build --outDir "$work/dist" --emptyOutDir --logLevel warn)

# gzip -9 size of the scripts an index.html loads statically (script src, modulepreload).
initial_js() { # DIR
  node - "$1" <<'JS'
const fs = require('fs'), path = require('path'), zlib = require('zlib');
const dir = process.argv[2];
const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
let raw = 0, gz = 0, n = 0;
for (const m of html.matchAll(/<(?:script\b[^>]*\bsrc|link\b[^>]*rel="modulepreload"[^>]*href)="([^"?#]+)/g)) {
  if (/^(https?:)?\/\//.test(m[1])) continue;
  const f = path.join(dir, m[1].replace(/^\//, ''));
  if (!fs.existsSync(f)) continue;
  const b = fs.readFileSync(f);
  raw += b.length; gz += zlib.gzipSync(b, { level: 9 }).length; n++;
}
console.log(`${n} ${(raw / 1024).toFixed(1)} ${(gz / 1024).toFixed(1)}`);
JS
}

printf '%-34s %8s %12s %12s\n' "initial JavaScript" files "raw KB" "gzip KB"
read -r n raw gz < <(initial_js "$work/dist")
printf '%-34s %8s %12s %12s\n' "vmpulse dashboard" "$n" "$raw" "$gz"
netdata_web=/usr/share/netdata/web
if [[ -f "$netdata_web/index.html" ]]; then
  read -r n raw gz < <(initial_js "$netdata_web")
  printf '%-34s %8s %12s %12s\n' "Netdata $(dpkg-query -W -f='${Version}' netdata-web 2>/dev/null) (netdata-web)" "$n" "$raw" "$gz"
else
  printf '%-34s %8s\n' "Netdata (netdata-web)" "not installed: apt-get install netdata-web"
fi
echo

node "$here/page-bench.mjs" --dist "$work/dist" "$@" >"$work/page.json"
# shellcheck disable=SC2016 # JavaScript, not shell, inside the quotes
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const rows = [
  ["page loads measured", r.loads],
  ["first data painted, median (ms)", r.firstDataMedianMs],
  ["first data painted, max (ms)", r.firstDataMaxMs],
  ["full hour painted, median (ms)", r.fullHourPaintedMedianMs],
  ["live points per chart", r.livePointsPerSeries],
  [`frame interval p50 / p99 over ${r.seconds} s (ms)`, `${r.frameP50Ms} / ${r.frameP99Ms}`],
  ["long tasks (>50 ms) / longest (ms)", `${r.longTasks} / ${r.longTaskMaxMs}`],
  ["JS heap used (MB)", r.heapMB],
];
console.log("vmpulse dashboard in Chromium, 3 VMs x 1 h of per-second rows, 3 records/s live");
for (const [k, v] of rows) console.log(`  ${k.padEnd(46)} ${String(v).padStart(12)}`);
' "$work/page.json"
