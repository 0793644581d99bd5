// The fleet page's first paint in Debian's Chromium: navigation start → the first
// row of the machines table painted (the frame after the row is in the DOM), against
// bench/dashboard/fleet-hub.mjs with 10 VMs (the floor: the same page, the same live
// hour of the chosen VM, a tiny fleet) and with --vms N, in the same run. Each load
// gets a fresh browser profile (nothing cached). Prints a table; --json writes the
// numbers too.
//   node fleet-first-paint.mjs --dist DIR [--vms 10000] [--runs 5] [--json FILE]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../../tests/dashboard/browser.mjs';
import { freePort, waitHttp } from '../../tests/dashboard/stack.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const tests = path.join(here, '../../tests/dashboard');
const { values: args } = parseArgs({
  options: {
    dist: { type: 'string' },
    vms: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '5' },
    json: { type: 'string' },
  },
});
if (!args.dist || !fs.existsSync(path.join(args.dist, 'index.html'))) {
  console.error('usage: fleet-first-paint.mjs --dist DIR (a built dashboard) [--vms N] [--runs N] [--json FILE]');
  process.exit(2);
}
const TARGET_MS = 1500;
const FLOOR_VMS = 10;
const runs = Number(args.runs);

const kids = [];
process.on('exit', () => kids.forEach((k) => k.kill()));
function start(script, argv) {
  const child = spawn(process.execPath, [script, ...argv], { stdio: 'ignore' });
  kids.push(child);
  return child;
}

// In the page before any script: the time of the first frame after a machines row exists.
function watchFirstRow() {
  const look = () => {
    if (document.querySelector('[data-testid=fleet] tbody tr[data-vm]')) {
      requestAnimationFrame(() => {
        window.__fleetRowPainted = performance.now();
      });
    } else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}

async function measure(vms) {
  const hubPort = await freePort();
  const webPort = await freePort();
  const hub = start(path.join(here, 'fleet-hub.mjs'), ['--port', String(hubPort), '--vms', String(vms)]);
  const web = start(path.join(tests, 'static-server.mjs'), [
    '--dir',
    args.dist,
    '--port',
    String(webPort),
    '--proxy',
    `http://127.0.0.1:${hubPort}`,
  ]);
  await waitHttp(`http://127.0.0.1:${hubPort}/readyz`);
  await waitHttp(`http://127.0.0.1:${webPort}/`);
  const out = { vms, paint: [], snapshot: [], built: [], domRows: 0, snapshotBytes: 0 };
  const hubSide = async () => (await fetch(`http://127.0.0.1:${hubPort}/bench/snapshot`)).json();
  for (let i = 0; i < runs; i++) {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.addInitScript(watchFirstRow);
      await page.goto(`http://127.0.0.1:${webPort}/?vm=vm-00000`);
      await page.waitForFunction(() => window.__fleetRowPainted !== undefined, undefined, { timeout: 30_000 });
      const r = await page.evaluate(() => ({
        paint: window.__fleetRowPainted,
        snapshot: performance.getEntriesByName('vmpulse:first-snapshot')[0]?.startTime ?? NaN,
        domRows: document.querySelectorAll('[data-testid=fleet] tbody tr[data-vm]').length,
        total: Number(document.querySelector('[data-testid=machines-count]')?.dataset.total),
      }));
      if (r.total !== vms) throw new Error(`the table lists ${r.total} VMs, expected ${vms}`);
      out.paint.push(r.paint);
      out.snapshot.push(r.snapshot);
      out.domRows = Math.max(out.domRows, r.domRows);
      const built = await hubSide();
      out.built.push(built.ms);
      out.snapshotBytes = built.bytes;
    } finally {
      await browser.close();
    }
  }
  hub.kill();
  web.kill();
  return out;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (v) => (Number.isFinite(v) ? v.toFixed(0) : '—');

const loadBefore = os.loadavg()[0];
const results = [await measure(FLOOR_VMS), await measure(Number(args.vms))];
console.log(
  `Fleet page first paint in Chromium (navigation start → first machines row painted), ${runs} loads each; ` +
    `load average ${loadBefore.toFixed(1)} → ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`,
);
console.log(
  `${'VMs'.padEnd(16)}${'snapshot KB'.padStart(12)}${'built by stand-in, ms'.padStart(23)}${'snapshot in, median ms'.padStart(24)}${'row painted, median ms'.padStart(24)}${'max ms'.padStart(9)}${'rows in DOM'.padStart(13)}`,
);
for (const r of results) {
  const label = r.vms === FLOOR_VMS ? `${r.vms} (floor)` : r.vms.toLocaleString('en-US');
  console.log(
    `${label.padEnd(16)}${(r.snapshotBytes / 1024).toFixed(0).padStart(12)}${ms(median(r.built)).padStart(23)}${ms(median(r.snapshot)).padStart(24)}${ms(median(r.paint)).padStart(24)}${ms(Math.max(...r.paint)).padStart(9)}${String(r.domRows).padStart(13)}`,
  );
}
const big = results[1];
console.log(
  `the fleet's own cost (${big.vms.toLocaleString('en-US')} VMs − floor, medians): ${ms(median(big.paint) - median(results[0].paint))} ms`,
);
const verdict = median(big.paint) <= TARGET_MS ? 'met' : 'MISSED';
console.log(`target: ${big.vms.toLocaleString('en-US')} VMs median ≤ ${TARGET_MS} ms: ${verdict}`);
if (args.json) fs.writeFileSync(args.json, JSON.stringify(results, null, 2));
process.exit(0);
