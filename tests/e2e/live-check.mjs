// Opens the dashboard in Debian's Chromium, signs in through the sign-in URL, and waits
// until it shows VM with live data: the series of VM drawn, then a newer row than the
// first one seen arriving over the hub's WebSocket without a reload (the agent keeps
// pushing). Saves a screenshot. Used by the compose check of tests/suites/65-images.sh.
// The viewer token is read from a file, so that it is on no command line.
// usage: node live-check.mjs BASE_URL VIEWER_TOKEN_FILE OUTDIR VM
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pageCheck } from './page-check.mjs';

const [base, tokenFile, outDir, vm] = process.argv.slice(2);
const url = `${base}/signin#${readFileSync(tokenFile, 'utf8').trim()}`;
const info = '[data-testid="series-info"]';
const lastId = (page) => page.$eval(info, (el) => [el.dataset.vm, Number(el.dataset.lastId || 0)]);
await pageCheck(async (page) => {
  await page.goto(url, { waitUntil: 'load', timeout: 20000 });
  await page.waitForURL((u) => u.pathname === '/', { timeout: 20000 });
  await page.waitForFunction(
    ([sel, name]) => {
      const el = document.querySelector(sel);
      return el && el.dataset.vm === name && Number(el.dataset.lastId || 0) > 0;
    },
    [info, vm],
    { timeout: 45000 },
  );
  const [, first] = await lastId(page);
  await page.waitForFunction(
    ([sel, id]) => Number(document.querySelector(sel).dataset.lastId || 0) > id,
    [info, first],
    { timeout: 45000 },
  );
  const [, later] = await lastId(page);
  await page.screenshot({ path: join(outDir, 'compose-dashboard.png'), fullPage: true });
  return `dashboard shows ${vm} live: row ${first}, then ${later} without a reload`;
});
