// The dashboard's alerts in Debian's Chromium, against tests/dashboard/fake-hub.mjs
// speaking the alerts protocol of docs/ws-protocol.md (the alert changes are driven
// through the fake's POST /fake/alerts; the real hub's evaluation is tested in
// tests/suites/51-alerts.sh). The page is served as behind ./vmpulse up's nginx: same
// origin, /ws and /api proxied, the ingress's Content-Security-Policy. Tests run in order.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser } from './browser.mjs';
import { freePort, waitHttp, startFakeHub, startStatic, hora } from './stack.mjs';

const env = (k) => {
  if (!process.env[k]) throw new Error(`${k} is not set (run through tests/suites/55-dashboard.sh)`);
  return process.env[k];
};
const DIST = env('VMPULSE_E2E_DIST');
const OUT = path.join(env('VMPULSE_E2E_OUT'), 'alerts');
const LIVE_WITHIN_MS = 2000;

let hub, staticServer, crossServer, crossUrl, browser, page, hubUrl, dashUrl;
const cspViolations = [];
const pageErrors = [];

async function shot(name) {
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}
async function until(fn, arg, timeout = 10_000) {
  const t0 = Date.now();
  await page.waitForFunction(fn, arg, { timeout, polling: 25 });
  return Date.now() - t0;
}
/** One alert change on the fake hub (what the real hub's engine would produce). */
async function change(c) {
  const res = await fetch(`${hubUrl}/fake/alerts`, { method: 'POST', body: JSON.stringify(c) });
  assert.equal(res.status, 200, await res.text());
}
async function hubAlerts(query = '') {
  return (await fetch(`${hubUrl}/api/alerts${query}`)).json();
}
const items = () =>
  page.$$eval('[data-testid=alert-item]', (els) =>
    els.map((e) => ({ vm: e.dataset.vm, rule: e.dataset.rule, state: e.dataset.state, severity: e.dataset.severity })),
  );
/** Epoch ms → an <input type="datetime-local"> value in the browser's zone. */
const localInput = (ms) =>
  page.evaluate((t) => {
    const d = new Date(t);
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  }, ms);
const row = (vm) => page.getByTestId(`fleet-${vm}`);

before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const hubPort = await freePort();
  hub = startFakeHub({ port: hubPort, logDir: OUT });
  hubUrl = `http://127.0.0.1:${hubPort}`;
  await waitHttp(`${hubUrl}/readyz`);
  const port = await freePort();
  staticServer = startStatic({ dist: DIST, port, proxy: hubUrl, logDir: OUT, name: 'static-alerts' });
  dashUrl = `http://127.0.0.1:${port}/`;
  await waitHttp(dashUrl);
  // The same build on another origin with hubUrl set (as on Cloud Run): requests go
  // cross-origin, with the cookie, after a CORS preflight.
  const crossPort = await freePort();
  crossServer = startStatic({ dist: DIST, port: crossPort, hubUrl, logDir: OUT, name: 'static-alerts-cross' });
  crossUrl = `http://127.0.0.1:${crossPort}/`;
  await waitHttp(crossUrl);
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  // Before the page loads: two firing (a warning older than a critical) and a pending.
  const ago = (s) => hora(Date.now() - s * 1000);
  await change({ rule: 'cpu_high', vm: 'web-1', state: 'firing', value: 95.2, threshold: 90, since: ago(600) });
  await change({ rule: 'cpu_high', vm: 'web-2', state: 'pending', value: 91, threshold: 90, since: ago(900) });
  await change({
    rule: 'ram_high',
    vm: 'db-1',
    state: 'firing',
    severity: 'critical',
    value: 97.5,
    threshold: 95,
    since: ago(90),
  });
  // A change more than 24 h ago, which the history view must leave out.
  await change({ rule: 'zombies', vm: 'cache-1', state: 'firing', value: 12, threshold: 10, at: ago(25 * 3600) });
  await change({ rule: 'zombies', vm: 'cache-1', state: 'resolved', value: 2, threshold: 10, at: ago(25 * 3600 - 60) });
});

after(async () => {
  await browser?.close();
  await staticServer?.stop();
  await crossServer?.stop();
  await hub?.stop();
});

describe('alerts on the dashboard', () => {
  it('the bar shows the active alerts from the snapshot: firing first, critical first, then the oldest', async () => {
    await page.goto(dashUrl);
    await until(() => document.querySelectorAll('[data-testid=alert-item]').length === 3, undefined);
    assert.deepEqual(
      (await items()).map((a) => `${a.state} ${a.severity} ${a.vm}`),
      ['firing critical db-1', 'firing warning web-1', 'pending warning web-2'],
    );
    assert.match(await page.getByTestId('alert-summary').innerText(), /2 firing \(1 critical\) · 1 pending/);
    assert.match(await page.title(), /^\(2 firing\) web-1 · CPU \d+% · RAM \d+% — vmpulse$/);
    const first = await page.getByTestId('alert-item').first().innerText();
    assert.match(first, /critical/i);
    assert.match(first, /db-1/);
    assert.match(first, /97\.5 \(threshold 95\)/);
    assert.match(first, /since \d\d:\d\d:\d\d \(1 min ago\)/);
    await shot('01-bar');
  });

  it('the fleet table marks firing, pending, and a VM that is down (greyed, last seen)', async () => {
    assert.equal(await row('web-1').getAttribute('data-alert'), 'firing');
    assert.equal(await row('web-2').getAttribute('data-alert'), 'pending');
    assert.equal(await row('db-1').getAttribute('data-alert'), 'firing');
    assert.match(await row('db-1').innerText(), /firing \(critical\)/);
    assert.equal(await row('cache-1').getAttribute('data-alert'), 'none');
    await change({
      rule: 'vm_down',
      vm: 'cache-1',
      state: 'firing',
      severity: 'critical',
      since: hora(Date.now() - 200_000), // 3 min 20 s: "3 min ago" whatever the page clock's lag
    });
    await until(() => document.querySelector('[data-testid=fleet-cache-1]')?.dataset.alert === 'down', undefined);
    assert.match(await row('cache-1').getAttribute('class'), /vm-down/);
    assert.match(await page.getByTestId('fleet-seen-cache-1').innerText(), /last seen 3 min ago/);
    const grey = await row('cache-1').evaluate((tr) => getComputedStyle(tr.cells[1]).color);
    const normal = await row('web-2').evaluate((tr) => getComputedStyle(tr.cells[1]).color);
    assert.notEqual(grey, normal, 'the down row is greyed');
    assert.equal((await items())[0].rule, 'vm_down', 'critical and firing, and older than db-1 ram_high');
    await shot('02-table-marks');
  });

  it('an alerts message updates the page live: new, resolved and changed alerts without a reload', async () => {
    await page.evaluate(() => {
      window.__sameDocument = true;
    });
    const t0 = Date.now();
    await change({ rule: 'cpu_high', vm: 'web-2', state: 'firing', value: 93, threshold: 90 });
    await until(
      () => document.querySelector('[data-testid=fleet-web-2]')?.dataset.alert === 'firing',
      undefined,
      LIVE_WITHIN_MS,
    );
    await change({ rule: 'vm_down', vm: 'cache-1', state: 'resolved' });
    await until(
      () =>
        document.querySelector('[data-testid=fleet-cache-1]')?.dataset.alert === 'none' &&
        ![...document.querySelectorAll('[data-testid=alert-item]')].some((e) => e.dataset.rule === 'vm_down'),
      undefined,
      LIVE_WITHIN_MS,
    );
    const took = Date.now() - t0;
    assert.ok(took <= 2 * LIVE_WITHIN_MS, `two changes shown in ${took} ms`);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
    assert.deepEqual(
      (await items()).map((a) => `${a.state} ${a.severity} ${a.vm}`),
      // web-2 fired just now; web-1 has been firing for 10 min, so it stays ahead.
      ['firing critical db-1', 'firing warning web-1', 'firing warning web-2'],
    );
  });

  it('silence round trip by keyboard: the dialog posts, the alerts message marks it, Unsilence deletes it', async () => {
    // Keyboard only: focus the row's button, Enter opens the modal dialog.
    await page.getByTestId('silence-web-1').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('silence-dialog');
    await dialog.waitFor();
    assert.equal(await dialog.evaluate((d) => d.open && d.matches(':modal')), true);
    assert.equal(await page.getByRole('dialog', { name: 'Silence web-1' }).count(), 1, 'labelled by its heading');
    await page.getByLabel('30 min').check();
    await page.getByLabel('Comment').fill('kernel update, ana');
    await shot('03-silence-dialog');
    await page.getByLabel('Comment').press('Enter'); // submits the form
    await dialog.waitFor({ state: 'detached', timeout: 5000 });
    await until(
      () => document.querySelector('[data-testid=fleet-web-1]')?.dataset.silenced === 'true',
      undefined,
      LIVE_WITHIN_MS,
    );
    assert.equal(
      await page.evaluate(() => document.activeElement?.dataset.testid),
      'unsilence-web-1',
      'focus back on the row (its button now says Unsilence)',
    );
    const { silences, active } = await hubAlerts();
    assert.equal(silences.length, 1);
    assert.equal(silences[0].match, 'web-1');
    assert.equal(silences[0].comment, 'kernel update, ana');
    const minutes = (Date.parse(`${silences[0].until.replace(' ', 'T')}Z`) - Date.now()) / 60_000;
    assert.ok(minutes > 28 && minutes <= 30, `until in ${minutes.toFixed(1)} min`);
    assert.equal(active.find((a) => a.vm === 'web-1').silenced, true);
    await until(
      () =>
        /silenced/.test(
          [...document.querySelectorAll('[data-testid=alert-item]')].find((e) => e.dataset.vm === 'web-1')?.innerText,
        ),
      undefined,
    );
    assert.equal(await row('web-2').getAttribute('data-silenced'), 'false');
    await shot('04-silenced');

    await page.getByTestId('unsilence-web-1').click();
    await until(
      () => document.querySelector('[data-testid=fleet-web-1]')?.dataset.silenced === 'false',
      undefined,
      LIVE_WITHIN_MS,
    );
    assert.deepEqual((await hubAlerts()).silences, []);
  });

  it('"until a time" is sent as the hub time in UTC; a time in the past is refused before sending', async () => {
    await page.getByTestId('silence-web-2').click();
    await page.getByTestId('silence-dialog').waitFor();
    await page.getByLabel('Until…').check();
    await page.getByLabel('Until (your local time)').fill(await localInput(Date.now() - 3600_000));
    await page.getByTestId('silence-submit').click();
    assert.match(await page.getByTestId('silence-error').innerText(), /at least a minute from now/);
    assert.deepEqual((await hubAlerts()).silences, [], 'nothing sent');
    const end = Date.now() + 3 * 3600_000;
    const endLocal = await localInput(end);
    await page.getByLabel('Until (your local time)').fill(endLocal);
    await page.getByTestId('silence-submit').click();
    await page.getByTestId('silence-dialog').waitFor({ state: 'detached', timeout: 5000 });
    const [s] = (await hubAlerts()).silences;
    assert.equal(s.match, 'web-2');
    assert.equal(s.until, `${hora(end).slice(0, 16)}:00`);
    await until(() => document.querySelector('[data-testid=fleet-web-2]')?.dataset.silenced === 'true', undefined);
    // Escape closes the dialog without sending anything.
    await page.getByTestId('silence-db-1').click();
    await page.getByTestId('silence-dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('silence-dialog').waitFor({ state: 'detached', timeout: 5000 });
    assert.equal((await hubAlerts()).silences.length, 1);
  });

  it('the history view lists the last 24 h of changes, newest first, and follows live changes', async () => {
    await page.getByTestId('alert-history-toggle').press('Enter');
    await until(() => document.querySelectorAll('[data-testid=alert-history-row]').length > 0, undefined);
    const since = Math.floor(Date.now() / 1000) - 86400;
    const want = (await hubAlerts(`?since=${since}`)).history;
    const shown = () =>
      page.$$eval('[data-testid=alert-history-row]', (trs) => trs.map((tr) => tr.innerText.replace(/\s+/g, ' ')));
    let rows = await shown();
    assert.equal(rows.length, want.length);
    assert.ok(!rows.some((r) => /cache-1.*zombies/.test(r)), 'the change 25 h ago is left out');
    assert.match(rows[0], /cache-1 .*down firing → resolved/);
    assert.match(rows.at(-1), /web-1 .*cpu_high inactive → firing 95\.2 \(threshold 90\)/);
    assert.equal(await page.getByTestId('alert-history-toggle').getAttribute('aria-expanded'), 'true');
    await shot('05-history');
    await change({ rule: 'ram_high', vm: 'db-1', state: 'resolved', value: 80, threshold: 95 });
    await until((n) => document.querySelectorAll('[data-testid=alert-history-row]').length === n, want.length + 1);
    rows = await shown();
    assert.match(rows[0], /db-1 .*ram_high firing → resolved 80/);
  });

  it('with the hub on another origin, silencing and unsilencing work through CORS', async () => {
    await page.goto(crossUrl);
    await until(() => document.querySelectorAll('[data-testid=alert-item]').length > 0, undefined);
    await page.getByTestId('silence-db-1').click();
    await page.getByLabel('1 day').check();
    await page.getByTestId('silence-submit').click();
    await until(() => document.querySelector('[data-testid=fleet-db-1]')?.dataset.silenced === 'true', undefined);
    const s = (await hubAlerts()).silences.find((x) => x.match === 'db-1');
    const hours = (Date.parse(`${s.until.replace(' ', 'T')}Z`) - Date.now()) / 3600_000;
    assert.ok(hours > 23.9 && hours <= 24, `until in ${hours.toFixed(2)} h`);
    await page.getByTestId('unsilence-db-1').click();
    await until(() => document.querySelector('[data-testid=fleet-db-1]')?.dataset.silenced === 'false', undefined);
    assert.equal((await hubAlerts()).silences.filter((x) => x.match === 'db-1').length, 0);
  });

  it('stays within the Content-Security-Policy, with no page errors', () => {
    assert.deepEqual(cspViolations, []);
    assert.deepEqual(pageErrors, []);
  });
});
