// The contract v2 views in Debian's Chromium, against tests/dashboard/fake-hub.mjs:
// the `top`-like process table (sort by CPU and memory, name filter, the list stored
// at a time clicked on a history chart and back to live, a 404 for a time without
// one), the load / disk / network charts, steal and iowait on the CPU chart, swap,
// load and disk in the cards and the machines table; and a VM whose agent sends v1
// records (db-1 here) showing "—" and no v2 chart, without a page error. Served as
// behind ./vmpulse up's nginx (same origin, the ingress's CSP). Tests run in order.
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
const OUT = path.join(env('VMPULSE_E2E_OUT'), 'processes');

let hub, staticServer, browser, page, hubUrl, dashUrl;
const cspViolations = [];
const pageErrors = [];

async function shot(name) {
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}
async function until(fn, arg, timeout = 10_000) {
  await page.waitForFunction(fn, arg, { timeout, polling: 25 });
}
/** The table's rows, read in one go (the live list changes every second). */
const rows = () =>
  page.$$eval('[data-testid=proc-row]', (trs) =>
    trs.map((tr) => ({
      pid: Number(tr.dataset.pid),
      name: tr.dataset.name,
      cpu: Number(tr.dataset.cpu),
      mem: Number(tr.dataset.mem),
      state: tr.querySelector('abbr')?.textContent,
      title: tr.querySelector('abbr')?.title,
    })),
  );
const card = () => page.getByTestId('proc-card');
const ariaSort = (key) => page.getByTestId(`sort-${key}`).getAttribute('aria-sort');
const isOrdered = (xs, dir) => xs.every((v, i) => i === 0 || (dir === 'desc' ? xs[i - 1] >= v : xs[i - 1] <= v));

/** Clicks the CPU chart at `share` of its width; returns the time the table then shows. */
async function clickChart(share) {
  const canvas = page.locator('[data-testid=chart-cpu] canvas');
  const box = await canvas.boundingBox();
  // locator.click scrolls the chart into view first (the filter above may have scrolled it away).
  await canvas.click({ position: { x: box.width * share, y: box.height / 2 } });
  await until(() => document.querySelector('[data-testid=proc-card]')?.dataset.mode === 'at', undefined);
  await until(() => document.querySelector('[data-testid=proc-card]')?.dataset.status !== 'loading', undefined);
  return Number(await page.getByTestId('proc-at').getAttribute('data-at-ms'));
}

before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const hubPort = await freePort();
  hub = startFakeHub({ port: hubPort, logDir: OUT, v1: 'db-1' });
  hubUrl = `http://127.0.0.1:${hubPort}`;
  await waitHttp(`${hubUrl}/readyz`);
  const port = await freePort();
  staticServer = startStatic({ dist: DIST, port, proxy: hubUrl, logDir: OUT, name: 'static-processes' });
  dashUrl = `http://127.0.0.1:${port}/`;
  await waitHttp(dashUrl);
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
});

after(async () => {
  await browser?.close();
  await staticServer?.stop();
  await hub?.stop();
});

describe('process table and v2 metrics', () => {
  it('lists the live processes of the selected VM, busiest first, with the state as a letter and a title', async () => {
    await page.goto(`${dashUrl}?vm=web-1`);
    await until(() => document.querySelectorAll('[data-testid=proc-row]').length > 0, undefined);
    const shown = await rows();
    // The fake's list: nine programs and a job named after the sample's second.
    assert.equal(shown.length, 10);
    assert.ok(shown.some((r) => /^job-\d\d:\d\d:\d\d$/.test(r.name)));
    assert.ok(
      isOrdered(
        shown.map((r) => r.cpu),
        'desc',
      ),
      JSON.stringify(shown.map((r) => r.cpu)),
    );
    assert.equal(await ariaSort('cpu'), 'descending');
    assert.equal(await ariaSort('mem'), 'none');
    const zombie = shown.find((r) => r.name === 'redis-server');
    assert.deepEqual([zombie.state, zombie.title], ['Z', 'zombie']);
    assert.equal(shown.find((r) => r.name === 'sshd').title, 'waiting for I/O (uninterruptible sleep)');
    // The counts by state stay above the list.
    assert.match(await page.getByTestId('proc-table').innerText(), /Running\s+\d+[\s\S]*Total\s+\d+/);
    assert.equal(await card().getAttribute('data-mode'), 'live');
    await shot('01-live');
  });

  it('sorts by memory (both ways) and back by CPU when the headers are clicked', async () => {
    await page.getByTestId('sort-mem').getByRole('button').click();
    assert.equal(await ariaSort('mem'), 'descending');
    assert.equal(await ariaSort('cpu'), 'none');
    let shown = await rows();
    assert.ok(
      isOrdered(
        shown.map((r) => r.mem),
        'desc',
      ),
      JSON.stringify(shown.map((r) => r.mem)),
    );
    // Memory and CPU orders differ in the fake's data, so this checks the column used.
    assert.notDeepEqual(
      shown.map((r) => r.pid),
      [...shown].sort((a, b) => b.cpu - a.cpu).map((r) => r.pid),
    );
    await page.getByTestId('sort-mem').getByRole('button').click();
    assert.equal(await ariaSort('mem'), 'ascending');
    shown = await rows();
    assert.ok(
      isOrdered(
        shown.map((r) => r.mem),
        'asc',
      ),
    );
    await page.getByTestId('sort-cpu').getByRole('button').click();
    assert.equal(await ariaSort('cpu'), 'descending');
    assert.ok(
      isOrdered(
        (await rows()).map((r) => r.cpu),
        'desc',
      ),
    );
  });

  it('filters by name, says when nothing matches, and clears', async () => {
    await page.getByTestId('proc-filter').fill('REDIS');
    await until(() => document.querySelectorAll('[data-testid=proc-row]').length === 1, undefined);
    assert.equal((await rows())[0].name, 'redis-server');
    await page.getByTestId('proc-filter').fill('no-such-program');
    await until(() => document.querySelectorAll('[data-testid=proc-row]').length === 0, undefined);
    assert.match(await page.getByTestId('proc-empty').innerText(), /No process matches “no-such-program”/);
    await page.getByTestId('proc-filter').fill('');
    await until(() => document.querySelectorAll('[data-testid=proc-row]').length === 10, undefined);
  });

  it('draws load, disk and network charts, steal and iowait on the CPU chart, swap, load and disk in the cards', async () => {
    for (const id of ['load', 'disk', 'diskio', 'net'])
      await until((c) => Number(document.querySelector(`[data-testid=chart-${c}]`)?.dataset.points) > 0, id);
    assert.match(await page.getByTestId('legend-cpu').innerText(), /usage\s+steal\s+iowait/);
    assert.match(await page.getByTestId('legend-load').innerText(), /1 min\s+5 min\s+15 min/);
    assert.match(await page.getByTestId('legend-ram').innerText(), /used\s+swap/);
    const latest = await (await fetch(`${hubUrl}/api/processes?vm=web-1`)).json();
    assert.ok(latest.procesos_top.length > 0);
    assert.match(await page.getByTestId('stat-load-value').innerText(), /^\d+\.\d\d$/);
    assert.match(await page.getByTestId('stat-uptime').innerText(), /^up 1 d 5 h$/);
    // web-1 in the fake: no swap used of 2 GiB, 60 % of a 40 GiB disk used.
    assert.equal(await page.getByTestId('stat-swap').innerText(), 'swap 0 MiB of 2.00 GiB used');
    assert.equal(await page.getByTestId('stat-disk-value').innerText(), '60.0');
    assert.equal(await page.getByTestId('fleet-disk-web-1').innerText(), '60%');
    assert.match(await page.getByTestId('fleet-load-web-2').innerText(), /^\d+\.\d\d$/);
    assert.equal(await page.getByTestId('fleet-load-db-1').innerText(), '—');
    await shot('02-v2-charts');
  });

  it('the cards show all they say at 1,280, 1,440 and 1,920 px: each value on one line, nothing cut', async () => {
    const clipped = () =>
      page.$$eval('.stat', (cards) =>
        cards.flatMap((c) => {
          const value = c.querySelector('.stat-value');
          const sub = c.querySelector('.stat-sub');
          const problems = [];
          // A wrapped value has a box per line; a cut line is wider than its box.
          if (value.firstElementChild.getClientRects().length !== 1) problems.push(`${c.dataset.testid} value wraps`);
          for (const el of [value, sub])
            if (el.scrollWidth > el.clientWidth) problems.push(`${c.dataset.testid} cut: ${el.innerText}`);
          return problems;
        }),
      );
    try {
      for (const width of [1280, 1440, 1920]) {
        await page.setViewportSize({ width, height: 900 });
        assert.deepEqual(await clipped(), [], `at ${width} px`);
        assert.equal(await page.locator('.stat').count(), 6);
      }
      await shot('02b-cards-1920');
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });

  it('a click on a history chart shows the processes stored at that time, until "Back to live"', async () => {
    await page.getByTestId('range-15m').click();
    await until(() => Number(document.querySelector('[data-testid=chart-cpu]')?.dataset.points) > 0, undefined);
    // History: the hub's series per bucket (avg, max); load 5 and 15 have none, so only 1 min is drawn.
    await until(() => Number(document.querySelector('[data-testid=chart-net]')?.dataset.points) > 0, undefined);
    assert.match(await page.getByTestId('chart-net').innerText(), /avg line, band up to the peak/);
    assert.equal(await page.getByTestId('legend-load').count(), 0);
    assert.match(await page.getByTestId('legend-cpu').innerText(), /usage\s+steal\s+iowait/);
    const before = Date.now();
    const atMs = await clickChart(0.6);
    assert.equal(await card().getAttribute('data-status'), 'ok');
    // The fake holds 10 minutes; 60 % across a 15-minute axis is minutes back.
    assert.ok(atMs < before - 60_000 && atMs > before - 15 * 60_000, `picked ${new Date(atMs).toISOString()}`);
    // What the hub answers for that time is what the table shows, its job included.
    const want = await (await fetch(`${hubUrl}/api/processes?vm=web-1&at=${encodeURIComponent(hora(atMs))}`)).json();
    assert.equal(await page.getByTestId('proc-at').getAttribute('data-hora'), want.hora);
    const names = () => rows().then((r) => r.map((x) => x.name).sort());
    assert.deepEqual(await names(), want.procesos_top.map((p) => p.nombre).sort());
    assert.ok((await names()).includes(`job-${want.hora.slice(11)}`));
    assert.equal(await page.getByTestId('proc-table').count(), 0, 'the live counts are not shown for a past time');
    // Sorting applies to the stored list too, and live records do not replace it.
    await page.getByTestId('sort-mem').getByRole('button').click();
    assert.ok(
      isOrdered(
        (await rows()).map((r) => r.mem),
        'desc',
      ),
    );
    await page.waitForTimeout(1500);
    assert.deepEqual(await names(), want.procesos_top.map((p) => p.nombre).sort());
    await shot('03-at-time');

    await page.getByTestId('proc-live').click();
    await until(() => document.querySelector('[data-testid=proc-card]')?.dataset.mode === 'live', undefined);
    const job = (await rows()).find((r) => r.name.startsWith('job-')).name;
    const liveMs = Date.parse(`${hora(Date.now()).slice(0, 10)}T${job.slice(4)}Z`);
    assert.ok(Math.abs(Date.now() - liveMs) < 10_000, `live list from ${job}`);
  });

  it('a VM with v1 records: "—" in the cards and table, no v2 chart, a 404 time says none is stored', async () => {
    await page.getByTestId('vm-picker').selectOption('db-1');
    await until(() => document.querySelector('[data-testid=series-info]')?.dataset.vm === 'db-1', undefined);
    await until(() => Number(document.querySelector('[data-testid=chart-cpu]')?.dataset.points) > 0, undefined);
    for (const id of ['load', 'disk', 'diskio', 'net']) assert.equal(await page.getByTestId(`chart-${id}`).count(), 0);
    assert.equal(await page.getByTestId('legend-cpu').count(), 0);
    assert.equal(await page.getByTestId('legend-ram').count(), 0);
    assert.equal(await page.getByTestId('stat-load-value').innerText(), '—');
    assert.equal(await page.getByTestId('stat-disk-value').innerText(), '—');
    assert.equal(await page.getByTestId('stat-swap').innerText(), 'swap —');
    assert.equal(await card().getAttribute('data-mode'), 'live');
    assert.match(await page.getByTestId('proc-empty').innerText(), /^— \(this VM’s agent sends no process list\)$/);
    assert.match(await page.getByTestId('proc-table').innerText(), /Total\s+\d+/);

    await clickChart(0.6);
    assert.equal(await card().getAttribute('data-status'), 'missing');
    assert.equal(await page.getByTestId('proc-empty').innerText(), 'No process list stored for that time.');
    await shot('04-v1-missing');
    await page.getByTestId('proc-live').click();
    await page.getByTestId('range-live').click();
    await until(() => document.querySelector('[data-testid=proc-card]')?.dataset.mode === 'live', undefined);
    assert.equal(await page.getByTestId('chart-load').count(), 0);
  });

  it('stays within the Content-Security-Policy, with no page errors', () => {
    assert.deepEqual(cspViolations, []);
    assert.deepEqual(pageErrors, []);
  });
});
