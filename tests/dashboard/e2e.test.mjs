// The dashboard end to end, in Debian's Chromium, against the real hub and a private
// MariaDB (started by tests/suites/55-dashboard.sh, which passes its URL). Each test
// builds on the previous one's database state, so they run in order.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser } from './browser.mjs';
import { Database, freePort, waitHttp, startHub, startStatic, record } from './stack.mjs';

const env = (k) => {
  if (!process.env[k]) throw new Error(`${k} is not set (run through tests/suites/55-dashboard.sh)`);
  return process.env[k];
};
const DB_URL = env('VMPULSE_E2E_DB_URL');
const DIST = env('VMPULSE_E2E_DIST');
const HUB_BIN = env('VMPULSE_E2E_HUB_BIN');
const OUT = env('VMPULSE_E2E_OUT');
const SHOW_WITHIN_MS = 2000;
const FIRST_PAINT_BUDGET_MS = 1000;

const db = new Database(DB_URL);
const metrics = {};
let hub, staticServer, proxyServer, browser, page, hubPort, dashUrl, proxiedUrl, viewerTokenFile;
const VIEWER_TOKEN = crypto.randomBytes(32).toString('hex');

async function shot(name) {
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}

/** Waits until fn(arg) is truthy in the page; returns how long it took (ms). */
async function until(fn, arg, timeout = 10_000) {
  const t0 = Date.now();
  await page.waitForFunction(fn, arg, { timeout, polling: 25 });
  return Date.now() - t0;
}
const text = (id) => page.getByTestId(id).first().innerText();
/** The page load's milestones on the Performance timeline (ms). */
const timeline = () =>
  page.evaluate(() =>
    Object.fromEntries(
      [
        ['domContentLoaded', performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd],
        ...performance.getEntriesByType('mark').map((m) => [m.name, m.startTime]),
      ].map(([k, v]) => [k, Math.round(v)]),
    ),
  );

before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  viewerTokenFile = path.join(OUT, 'viewer-token');
  fs.writeFileSync(viewerTokenFile, `${VIEWER_TOKEN}\n`, { mode: 0o600 });
  hubPort = await freePort();
  hub = startHub({ bin: HUB_BIN, port: hubPort, dbUrl: DB_URL, logDir: OUT, viewerTokenFile });
  await waitHttp(`http://127.0.0.1:${hubPort}/readyz`);
  const dashPort = await freePort();
  staticServer = startStatic({ dist: DIST, port: dashPort, hubUrl: `http://127.0.0.1:${hubPort}`, logDir: OUT });
  dashUrl = `http://127.0.0.1:${dashPort}/`;
  await waitHttp(dashUrl);
  // The same build on a second origin that plays ./vmpulse up's nginx: hubUrl "" and
  // /ws + /api proxied to the hub.
  const proxyPort = await freePort();
  proxyServer = startStatic({
    dist: DIST,
    port: proxyPort,
    proxy: `http://127.0.0.1:${hubPort}`,
    auth: true,
    logDir: OUT,
    name: 'static-proxy',
  });
  proxiedUrl = `http://127.0.0.1:${proxyPort}/`;
  await waitHttp(`${proxiedUrl}signin`);
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (err) => console.log(`page error: ${err.message}`));
  page.on('console', (m) => m.type() === 'error' && console.log(`page console: ${m.text()}`));
});

after(async () => {
  await browser?.close();
  await staticServer?.stop();
  await proxyServer?.stop();
  await hub?.stop();
  fs.writeFileSync(path.join(OUT, 'metrics.json'), JSON.stringify(metrics, null, 2));
});

describe('dashboard against the real hub', () => {
  it('without a session the page is 401 with how to sign in; the sign-in URL signs in and the dashboard goes live', async () => {
    const refused = await page.goto(proxiedUrl);
    assert.equal(refused.status(), 401);
    assert.match(await page.getByTestId('signin-status').innerText(), /not signed in/);
    await page.goto(`${proxiedUrl}signin#wrong-${VIEWER_TOKEN.slice(6)}`);
    await until(
      () => /not valid/.test(document.querySelector('[data-testid=signin-status]')?.innerText ?? ''),
      undefined,
    );
    assert.ok(!page.url().includes('#'), 'the token stays out of the address bar');
    await page.goto(`${proxiedUrl}signin#${VIEWER_TOKEN}`);
    await page.waitForURL((u) => u.pathname === '/', { timeout: 10_000 });
    await until(() => document.querySelector('[data-testid=conn-status]')?.dataset.status === 'open', undefined);
    const [cookie] = (await browser.context.cookies()).filter((c) => c.name === 'vmpulse_session');
    assert.ok(cookie, 'a session cookie');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie.includes('vmpulse_session')), false);
    await shot('00-signed-in');
  });

  it('an empty database shows how to start an agent', async () => {
    await page.goto(dashUrl);
    await page.getByTestId('empty-state').waitFor({ timeout: 10_000 });
    assert.match(await text('empty-state'), /No data yet/);
    assert.match(await text('empty-state'), /vmpulse-agent/);
    await shot('01-empty');
  });

  it('the first VM to report appears without a reload, within 2 s', async () => {
    const id = db.insert([record('e2e-a', 12.5)], 'cpp');
    const ms = await until(
      (want) => document.querySelector('[data-testid=series-info]')?.dataset.lastId === want,
      String(id),
    );
    metrics.firstRowShownMs = ms;
    assert.ok(ms <= SHOW_WITHIN_MS, `shown after ${ms} ms`);
    assert.equal(await text('stat-cpu-value'), '12.5');
  });

  it('first data is painted within 1 s of load', async () => {
    // An hour-long series for two VMs, so the reload paints a full chart.
    const now = Date.now();
    const a = [];
    const b = [];
    for (let s = 600; s >= 1; s--) {
      a.push(record('e2e-a', 20 + 15 * Math.sin(s / 30), { ms: now - s * 1000, ram: 40 + 5 * Math.sin(s / 200) }));
      b.push(record('e2e-b', 60 + 10 * Math.sin(s / 20), { ms: now - s * 1000, ram: 70, totalRam: 16000, procs: 320 }));
    }
    db.insert(a.slice(0, 300), 'cpp');
    db.insert(a.slice(300), 'nodejs');
    db.insert(b.slice(0, 300), 'nodejs');
    db.insert(b.slice(300), 'cpp');
    await page.goto(`${dashUrl}?vm=e2e-a`);
    await until(() => Number(document.querySelector('[data-testid=chart-cpu]')?.dataset.points) > 500, undefined);
    await until(() => performance.getEntriesByName('vmpulse:first-data').length > 0, undefined);
    const firstData = await page.evaluate(() => performance.getEntriesByName('vmpulse:first-data')[0].startTime);
    metrics.firstDataPaintedMs = Math.round(firstData);
    metrics.timeline = await timeline();
    await shot('02-live');
    assert.ok(firstData <= FIRST_PAINT_BUDGET_MS, `first data painted at ${firstData} ms`);
  });

  it('a VM that sends version 2 records is painted as fast: its load, disk and network charts come after', async () => {
    const now = Date.now();
    const c = [];
    for (let s = 600; s >= 1; s--)
      c.push(record('e2e-c', 30 + 20 * Math.sin(s / 25), { ms: now - s * 1000, v2: true }));
    db.insert(c, 'cpp');
    await page.goto(`${dashUrl}?vm=e2e-c`);
    for (const chart of ['cpu', 'load', 'disk', 'diskio', 'net'])
      await until((id) => Number(document.querySelector(`[data-testid=chart-${id}]`)?.dataset.points) > 500, chart);
    const firstData = await page.evaluate(() => performance.getEntriesByName('vmpulse:first-data')[0].startTime);
    metrics.firstDataPaintedV2Ms = Math.round(firstData);
    metrics.timelineV2 = await timeline();
    await shot('02-live-v2');
    assert.ok(firstData <= FIRST_PAINT_BUDGET_MS, `first data painted at ${firstData} ms`);
    // Back to the VM the next tests insert into.
    await page.goto(`${dashUrl}?vm=e2e-a`);
    await until(() => Number(document.querySelector('[data-testid=chart-cpu]')?.dataset.points) > 500, undefined);
  });

  it('a row inserted into the database appears within 2 s', async () => {
    const samples = [];
    for (const cpu of [42.5, 57.5, 33.5]) {
      const id = db.insert([record('e2e-a', cpu, { ram: 44.5 })], 'nodejs');
      const ms = await until(
        (want) => document.querySelector('[data-testid=series-info]')?.dataset.lastId === want,
        String(id),
      );
      samples.push(ms);
      assert.equal(await text('stat-cpu-value'), cpu.toFixed(1));
      assert.equal(await text('stat-ram-value'), '44.5');
    }
    metrics.rowShownMs = samples;
    assert.ok(Math.max(...samples) <= SHOW_WITHIN_MS, `shown after ${samples.join(', ')} ms`);
    assert.match(await text('stat-ram-mib'), /3\.48 GiB of 7\.81 GiB/);
    const procs = await text('proc-table');
    assert.match(procs, /Running\s+3/);
    assert.match(procs, /Zombie\s+1/);
    assert.match(procs, /Total\s+200/);
    assert.match(await page.title(), /^e2e-a · CPU \d+% · RAM \d+% — vmpulse$/);
  });

  it("the split shown equals the database's metricas_por_api", async () => {
    const batch = (n, cpu) =>
      Array.from({ length: n }, () => record('e2e-b', cpu, { totalRam: 16000, ram: 70, procs: 320 }));
    db.insert(batch(7, 10), 'cpp');
    db.insert(batch(4, 10), 'nodejs');
    const want = db.split();
    const fmt = (n) => n.toLocaleString('en-US');
    await until(
      (w) =>
        ['cpp', 'nodejs', 'total'].every((k) => document.querySelector(`[data-testid=split-${k}]`)?.innerText === w[k]),
      { cpp: fmt(want.cpp), nodejs: fmt(want.nodejs), total: fmt(want.total) },
      SHOW_WITHIN_MS + 1000,
    );
    const share = ((want.cpp / want.total) * 100).toFixed(1);
    assert.equal(await text('split-cpp-share'), `${share}%`);
    await shot('03-split');
  });

  it('the VM picker switches the series', async () => {
    const rows = Number(
      db.query("SELECT COUNT(*) FROM metricas WHERE vm='e2e-b' AND hora >= UTC_TIMESTAMP() - INTERVAL 60 MINUTE")[0][0],
    );
    await page.getByTestId('vm-picker').selectOption('e2e-b');
    await until((n) => {
      const info = document.querySelector('[data-testid=series-info]');
      return (
        info?.dataset.vm === 'e2e-b' && Number(document.querySelector('[data-testid=chart-cpu]')?.dataset.points) === n
      );
    }, rows);
    assert.equal(await text('stat-cpu-value'), '10.0');
    assert.match(await text('stat-ram-mib'), /of 15\.6 GiB/);
    assert.match(page.url(), /vm=e2e-b/);
    await shot('04-vm-b');
    await page.getByTestId('vm-picker').selectOption('e2e-a');
    await until(() => document.querySelector('[data-testid=series-info]')?.dataset.vm === 'e2e-a', undefined);
  });

  it('behind a same-origin ingress, the 1 h range draws min/avg/max bands from /api/history', async () => {
    await page.goto(`${proxiedUrl}?vm=e2e-a`);
    await until(() => document.querySelector('[data-testid=conn-status]')?.dataset.status === 'open', undefined);
    await page.getByTestId('range-1h').click();
    await until(
      () =>
        Number(document.querySelector('[data-testid=chart-cpu]')?.dataset.points) > 0 &&
        !document.querySelector('.inline-error'),
      undefined,
    );
    assert.match(await text('chart-cpu'), /min–max band/);
    await shot('05-history-1h');
    await page.getByTestId('range-live').click();
    await page.goto(`${dashUrl}?vm=e2e-a`);
  });

  it('recovers after the hub restarts: reconnecting, then live again', async () => {
    await until(() => document.querySelector('[data-testid=conn-status]')?.dataset.status === 'open', undefined);
    await hub.stop('SIGKILL');
    // Read the badge in the same turn as its state: the first retry comes within a second.
    const badge = await page.waitForFunction(
      () => {
        const el = document.querySelector('[data-testid=conn-status]');
        return el?.dataset.status === 'reconnecting' && el.innerText;
      },
      undefined,
      { timeout: 10_000, polling: 'raf' },
    );
    assert.match(await badge.jsonValue(), /Reconnecting in \d+ s/);
    await shot('06-reconnecting');
    hub = startHub({ bin: HUB_BIN, port: hubPort, dbUrl: DB_URL, logDir: OUT, viewerTokenFile });
    await waitHttp(`http://127.0.0.1:${hubPort}/readyz`);
    const t0 = Date.now();
    await until(
      () => document.querySelector('[data-testid=conn-status]')?.dataset.status === 'open',
      undefined,
      40_000,
    );
    metrics.reconnectAfterHubReadyMs = Date.now() - t0;
    const id = db.insert([record('e2e-a', 66.5)], 'cpp');
    await until(
      (want) => document.querySelector('[data-testid=series-info]')?.dataset.lastId === want,
      String(id),
      SHOW_WITHIN_MS + 1000,
    );
    assert.equal(await text('stat-cpu-value'), '66.5');
    assert.equal(await text('conn-status'), 'Live');
    await shot('07-live-again');
  });

  it('shows Offline while the browser has no network, and is live again at once after', async () => {
    await until(() => document.querySelector('[data-testid=conn-status]')?.dataset.status === 'open', undefined);
    await browser.context.setOffline(true);
    await until(() => document.querySelector('[data-testid=conn-status]')?.dataset.status === 'offline', undefined);
    assert.equal(await text('conn-status'), 'Offline');
    await shot('08-offline');
    await browser.context.setOffline(false);
    await until(() => document.querySelector('[data-testid=conn-status]')?.dataset.status === 'open', undefined, 5000);
  });

  it('a VM name the hub would refuse in ?vm= is ignored, not retried forever', async () => {
    await page.goto(`${dashUrl}?vm=${encodeURIComponent('no such/vm')}`);
    await until(() => document.querySelector('[data-testid=conn-status]')?.dataset.status === 'open', undefined);
    await page.waitForTimeout(1000);
    assert.equal(await page.getByTestId('conn-status').getAttribute('data-status'), 'open');
    assert.doesNotMatch(page.url(), /vm=no/);
  });

  it('a ?hub= towards an origin not on the allow-list is ignored with a visible note', async () => {
    for (const bad of ['ftp://nowhere', 'http://127.0.0.1:9/']) {
      await page.goto(`${dashUrl}?hub=${encodeURIComponent(bad)}`);
      await page.getByTestId('hub-note').waitFor({ timeout: 5000 });
      assert.match(await text('hub-note'), /ignored.*allow-list/);
      await until(() => document.querySelector('[data-testid=conn-status]')?.dataset.status === 'open', undefined);
    }
  });
});
