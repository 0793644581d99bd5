// Opens the dashboard through the local ingress in Debian's Chromium, signed in through
// the sign-in URL (…/signin#<viewer token>: the page trades the token for a cookie and
// goes to the dashboard), and waits until it shows the VM whose rows were just stored;
// saves a screenshot. The viewer token is read from a file, so that it is on no
// command line.
// usage: node dashboard-check.mjs BASE_URL VIEWER_TOKEN_FILE OUTDIR VM
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pageCheck } from './page-check.mjs';

const [base, tokenFile, outDir, vm] = process.argv.slice(2);
const url = `${base}/signin#${readFileSync(tokenFile, 'utf8').trim()}`;
await pageCheck(async (page) => {
  await page.goto(url, { waitUntil: 'load', timeout: 15000 });
  await page.waitForURL((u) => u.pathname === '/', { timeout: 15000 });
  // The VM's name on the page means the snapshot from the hub arrived and was drawn.
  await page.waitForFunction((name) => document.body.innerText.includes(name), vm, { timeout: 15000 });
  await page.screenshot({ path: join(outDir, 'dashboard-e2e.png'), fullPage: true });
  return `dashboard shows ${vm}; screenshot ${join(outDir, 'dashboard-e2e.png')}`;
});
