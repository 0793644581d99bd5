// What the e2e page checks share: Debian's Chromium as every browser test launches it
// (tests/dashboard/browser.mjs: a fresh profile, nothing that phones home; tests/e2e has
// no packages of its own, playwright-core comes with tests/dashboard's), one page at
// 1440×900 whose uncaught errors fail the check, and the outcome as one line and the
// exit status the suites' `check` reads.
// usage: await pageCheck(async (page) => 'what was seen') — the body throws to fail.
import { launchBrowser } from '../dashboard/browser.mjs';

export async function pageCheck(body) {
  let failed = false;
  let browser;
  try {
    browser = await launchBrowser();
    const page = await browser.context.newPage();
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
    // Playwright's messages quote the URL, whose fragment is the viewer token.
    console.log(`dashboard check failed: ${e.message.replace(/#[^\s"]*/g, '#…')}`);
    failed = true;
  } finally {
    await browser?.close();
  }
  process.exit(failed ? 1 : 0);
}
