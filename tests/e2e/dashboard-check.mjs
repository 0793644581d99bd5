// Opens the dashboard through the local ingress in Debian's Chromium and waits until
// it shows the VM whose rows were just stored; saves a screenshot. (playwright-core
// gives every launch a fresh, empty profile.) A sign-in URL (…/signin#<viewer token>)
// signs in first: the page trades the token for a cookie and goes to the dashboard.
// usage: node dashboard-check.mjs URL OUTDIR VM
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [url, outDir, vm] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-quic',
    '--no-first-run',
    '--disable-component-update',
    '--disable-sync',
  ],
});
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url, { waitUntil: 'load', timeout: 15000 });
  if (new URL(url).pathname === '/signin') {
    await page.waitForURL((u) => u.pathname === '/', { timeout: 15000 });
  }
  // The VM's name on the page means the snapshot from the hub arrived and was drawn.
  await page.waitForFunction((name) => document.body.innerText.includes(name), vm, { timeout: 15000 });
  await page.screenshot({ path: join(outDir, 'dashboard-e2e.png'), fullPage: true });
  if (errors.length) {
    console.log(`page errors: ${errors.join('; ')}`);
    failed = true;
  } else {
    console.log(`dashboard shows ${vm}; screenshot ${join(outDir, 'dashboard-e2e.png')}`);
  }
} catch (e) {
  console.log(`dashboard check failed: ${e.message}`);
  failed = true;
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
