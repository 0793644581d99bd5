// Opens the dashboard in Debian's Chromium, signs in through the sign-in URL, and waits
// until it shows VM with live data: the series of VM drawn, then a newer row than the
// first one seen arriving over the hub's WebSocket without a reload (the agent keeps
// pushing). Saves a screenshot. Used by the compose check of tests/suites/65-images.sh.
// The viewer token is read from a file, so that it is on no command line.
// usage: node live-check.mjs BASE_URL VIEWER_TOKEN_FILE OUTDIR VM
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, tokenFile, outDir, vm] = process.argv.slice(2);
const url = `${base}/signin#${readFileSync(tokenFile, 'utf8').trim()}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const lastId = (page) =>
  page.$eval('[data-testid="series-info"]', (el) => [el.dataset.vm, Number(el.dataset.lastId || 0)]);
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url, { waitUntil: 'load', timeout: 20000 });
  await page.waitForURL((u) => u.pathname === '/', { timeout: 20000 });
  const info = '[data-testid="series-info"]';
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
  if (errors.length) {
    console.log(`page errors: ${errors.join('; ')}`);
    failed = true;
  } else {
    console.log(`dashboard shows ${vm} live: row ${first}, then ${later} without a reload`);
  }
} catch (e) {
  console.log(`dashboard check failed: ${e.message}`);
  failed = true;
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
