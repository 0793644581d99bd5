// What the e2e page checks share: Debian's Chromium through playwright-core (every
// launch a fresh, empty profile), one page at 1440×900 whose uncaught errors fail the
// check, and the outcome as one line and the exit status the suites' `check` reads.
// usage: await pageCheck(async (page) => 'what was seen') — the body throws to fail.
import { chromium } from 'playwright-core';

export async function pageCheck(body) {
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
    const seen = await body(page);
    if (errors.length) {
      console.log(`page errors: ${errors.join('; ')}`);
      failed = true;
    } else {
      console.log(seen);
    }
  } catch (e) {
    console.log(`dashboard check failed: ${e.message}`);
    failed = true;
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
}
