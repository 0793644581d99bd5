// Opens the dashboard through the local ingress in Debian's Chromium and waits until
// it shows the VM whose rows were just stored; saves a screenshot. A sign-in URL
// (…/signin#<viewer token>) signs in first: the page trades the token for a cookie and
// goes to the dashboard.
// usage: node dashboard-check.mjs URL OUTDIR VM
import { join } from 'node:path';
import { pageCheck } from './page-check.mjs';

const [url, outDir, vm] = process.argv.slice(2);
await pageCheck(async (page) => {
  await page.goto(url, { waitUntil: 'load', timeout: 15000 });
  if (new URL(url).pathname === '/signin') {
    await page.waitForURL((u) => u.pathname === '/', { timeout: 15000 });
  }
  // The VM's name on the page means the snapshot from the hub arrived and was drawn.
  await page.waitForFunction((name) => document.body.innerText.includes(name), vm, { timeout: 15000 });
  await page.screenshot({ path: join(outDir, 'dashboard-e2e.png'), fullPage: true });
  return `dashboard shows ${vm}; screenshot ${join(outDir, 'dashboard-e2e.png')}`;
});
