// Long ranges and zoom, and the machines table at fleet scale, in Debian's Chromium:
// - against tests/dashboard/fake-hub.mjs: 7 d, 30 d and 1 y ask /api/history for that
//   span and draw the min–max band; dragging across the CPU chart narrows the window
//   (the zoom bar, the address and the next request say so) and Reset zoom restores it;
//   + / - / arrows on a focused chart zoom too, and Back / Forward undo and redo;
// - against bench/dashboard/fleet-hub.mjs: with 300 VMs (labels, alerts) the search,
//   the CPU / last-seen sorts both ways, the status, alerting and label filters, rows
//   updated by `fleet` messages; with
//   10,000 VMs only a bounded number of rows in the DOM, scrolled to the end as well.
// Served as behind ./vmpulse up's nginx (same origin, the ingress's CSP). Tests run in order.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser } from './browser.mjs';
import { freePort, waitHttp, startFakeHub, startFleetHub, startStatic } from './stack.mjs';

const env = (k) => {
  if (!process.env[k]) throw new Error(`${k} is not set (run through tests/suites/55-dashboard.sh)`);
  return process.env[k];
};
const DIST = env('VMPULSE_E2E_DIST');
const OUT = path.join(env('VMPULSE_E2E_OUT'), 'fleet');
const DAY = 86400;

let browser, page;
const stops = [];
const pageErrors = [];
const cspViolations = [];
const historyAsked = []; // {from, to} of every /api/history request, in order

/** A hub (started by `start(port)`) behind the static server; returns the page's URL. */
async function serve(name, start) {
  const hubPort = await freePort();
  const hub = start(hubPort);
  stops.push(() => hub.stop());
  await waitHttp(`http://127.0.0.1:${hubPort}/readyz`);
  const port = await freePort();
  const web = startStatic({ dist: DIST, port, proxy: `http://127.0.0.1:${hubPort}`, logDir: OUT, name });
  stops.push(() => web.stop());
  await waitHttp(`http://127.0.0.1:${port}/`);
  return `http://127.0.0.1:${port}/`;
}
async function shot(name) {
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}
async function until(fn, arg, timeout = 10_000) {
  await page.waitForFunction(fn, arg, { timeout, polling: 25 });
}
/** Waits until more than `n` /api/history requests were made. */
async function askedMoreThan(n, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  while (historyAsked.length <= n) {
    if (Date.now() > deadline) throw new Error(`no /api/history request after ${n}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const lastSpan = () => {
  const h = historyAsked.at(-1);
  return h ? h.to - h.from : null;
};
/** The machines rows in the DOM, top to bottom. */
const fleetRows = () =>
  page.$$eval('[data-testid=fleet] tbody tr[data-vm]', (trs) =>
    trs.map((tr) => ({
      vm: tr.dataset.vm,
      status: tr.dataset.status,
      alert: tr.dataset.alert,
      cpu: Number.parseFloat(tr.cells[1].textContent),
      seen: tr.querySelector('[data-testid^=fleet-seen]').textContent,
      labels: [...tr.querySelectorAll('.label-chip')].map((b) => b.textContent),
    })),
  );
const shownCount = async () => Number(await page.getByTestId('machines-count').getAttribute('data-shown'));
const isOrdered = (xs, dir) => xs.every((v, i) => i === 0 || (dir === 'desc' ? xs[i - 1] >= v : xs[i - 1] <= v));

before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.pathname === '/api/history')
      historyAsked.push({ from: Number(u.searchParams.get('from')), to: Number(u.searchParams.get('to')) });
  });
});

after(async () => {
  await browser?.close();
  for (const stop of stops.reverse()) await stop();
});

describe('long ranges and drag to zoom', () => {
  let url;
  before(async () => {
    url = await serve('static-ranges', (port) => startFakeHub({ port, logDir: OUT }));
  });

  it('7 d, 30 d and 1 y ask /api/history for that span and draw the min–max band', async () => {
    await page.goto(`${url}?vm=web-1`);
    await until(() => Number(document.querySelector('[data-testid=chart-cpu]')?.dataset.points) > 0, undefined);
    for (const [id, days] of [
      ['7d', 7],
      ['30d', 30],
      ['1y', 365],
    ]) {
      const asked = historyAsked.length;
      await page.getByTestId(`range-${id}`).click();
      await askedMoreThan(asked);
      await until(() => document.querySelector('[data-testid=chart-cpu] canvas') !== null, undefined);
      await until(() => document.querySelector('[data-testid=chart-cpu] .legend-band') !== null, undefined);
      assert.equal(lastSpan(), days * DAY, `${id} asked ${JSON.stringify(historyAsked.at(-1))}`);
      assert.match(page.url(), new RegExp(`range=${id}`));
    }
    await page.getByTestId('range-7d').click();
    await until(() => document.querySelector('[data-testid=chart-cpu] canvas') !== null, undefined);
    await shot('01-range-7d');
  });

  it('dragging across the CPU chart zooms into that interval; Reset zoom goes back to 7 d', async () => {
    const canvas = page.locator('[data-testid=chart-cpu] canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    const y = box.y + box.height / 2;
    const asked = historyAsked.length;
    await page.mouse.move(box.x + box.width * 0.3, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, y, { steps: 6 });
    assert.ok(await page.getByTestId('zoom-select-cpu').isVisible(), 'no selection drawn while dragging');
    await page.mouse.up();
    await page.getByTestId('zoom-bar').waitFor();
    await askedMoreThan(asked);
    const from = Number(await page.getByTestId('zoom-bar').getAttribute('data-from'));
    const to = Number(await page.getByTestId('zoom-bar').getAttribute('data-to'));
    // About 30 % of 7 days (a little more: the y axis labels take part of the canvas), ending well before now.
    const share = (to - from) / 1000 / (7 * DAY);
    assert.ok(share > 0.25 && share < 0.4, `zoomed ${(to - from) / 1000} s`);
    assert.ok(to < Date.now() - 2 * DAY * 1000);
    assert.ok(historyAsked.length > asked, 'the zoom asked no history');
    assert.deepEqual(historyAsked.at(-1), { from: from / 1000, to: to / 1000 });
    const q = new URL(page.url()).searchParams;
    assert.deepEqual([q.get('range'), q.get('from'), q.get('to')], ['7d', String(from / 1000), String(to / 1000)]);
    await shot('02-zoomed');

    // A reload keeps the zoom (the address holds it).
    await page.reload();
    await page.getByTestId('zoom-bar').waitFor();
    assert.equal(Number(await page.getByTestId('zoom-bar').getAttribute('data-from')), from);

    const before = historyAsked.length;
    await page.getByTestId('zoom-reset').click();
    await until(() => document.querySelector('[data-testid=zoom-bar]') === null, undefined);
    await askedMoreThan(before);
    assert.equal(lastSpan(), 7 * DAY);
    const after = new URL(page.url()).searchParams;
    assert.deepEqual([after.get('range'), after.get('from'), after.get('to')], ['7d', null, null]);
  });

  it('the keyboard zooms a focused chart, and Back undoes each step', async () => {
    await page.goto(`${url}?vm=web-1&range=7d`);
    await until(() => document.querySelector('[data-testid=chart-cpu] canvas') !== null, undefined);
    const zoomBar = async () => {
      const bar = page.getByTestId('zoom-bar');
      if ((await bar.count()) === 0) return null;
      return { from: Number(await bar.getAttribute('data-from')), to: Number(await bar.getAttribute('data-to')) };
    };
    await page.locator('[data-testid=chart-cpu] .chart-box').focus();
    await page.keyboard.press('+');
    await page.getByTestId('zoom-bar').waitFor();
    const zoomed = await zoomBar();
    // The middle half of the 7 days shown.
    assert.equal(zoomed.to - zoomed.from, 3.5 * DAY * 1000);
    await page.keyboard.press('ArrowLeft');
    await until((from) => Number(document.querySelector('[data-testid=zoom-bar]')?.dataset.from) < from, zoomed.from);
    const moved = await zoomBar();
    assert.deepEqual(moved, { from: zoomed.from - 0.875 * DAY * 1000, to: zoomed.to - 0.875 * DAY * 1000 });
    assert.equal(new URL(page.url()).searchParams.get('from'), String(moved.from / 1000));

    // Back: the previous zoom, then the range without a zoom; Forward redoes.
    await page.goBack();
    await until((from) => Number(document.querySelector('[data-testid=zoom-bar]')?.dataset.from) === from, zoomed.from);
    assert.deepEqual(await zoomBar(), zoomed);
    const asked = historyAsked.length;
    await page.goBack();
    await until(() => document.querySelector('[data-testid=zoom-bar]') === null, undefined);
    await askedMoreThan(asked);
    assert.equal(lastSpan(), 7 * DAY);
    assert.deepEqual(
      ['range', 'from', 'to'].map((k) => new URL(page.url()).searchParams.get(k)),
      ['7d', null, null],
    );
    await page.goForward();
    await until((from) => Number(document.querySelector('[data-testid=zoom-bar]')?.dataset.from) === from, zoomed.from);
  });

  it('a malformed zoom in the address is ignored: the range as it is', async () => {
    const asked = historyAsked.length;
    await page.goto(`${url}?vm=web-1&range=7d&from=12x&to=5`);
    await askedMoreThan(asked);
    await until(() => document.querySelector('[data-testid=chart-cpu] canvas') !== null, undefined);
    assert.equal(await page.getByTestId('zoom-bar').count(), 0);
    assert.equal(lastSpan(), 7 * DAY);
  });
});

describe('machines table with a few hundred VMs', () => {
  before(async () => {
    const url = await serve('static-fleet-300', (port) =>
      startFleetHub({ port, logDir: OUT, vms: 300, labels: true, alerts: true }),
    );
    await page.goto(`${url}?vm=vm-00001`);
    await until(() => Number(document.querySelector('[data-testid=machines-count]')?.dataset.total) === 300, undefined);
  });

  it('searches by name', async () => {
    await page.getByTestId('machines-search').fill('VM-0001');
    await until(() => document.querySelector('[data-testid=machines-count]').dataset.shown === '10', undefined);
    const rows = await fleetRows();
    assert.deepEqual(
      rows.map((r) => r.vm),
      Array.from({ length: 10 }, (_, i) => `vm-0001${i}`),
    );
    // The search also finds a label written key=value (every third VM has role=db).
    await page.getByTestId('machines-search').fill('role=db');
    await until(() => document.querySelector('[data-testid=machines-count]').dataset.shown === '100', undefined);
    assert.ok((await fleetRows()).every((r) => r.labels.includes('role=db')));
    await page.getByTestId('machines-search').fill('no-such-vm');
    await page.getByTestId('machines-none').waitFor();
    await page.getByTestId('machines-search').fill('');
    await until(() => document.querySelector('[data-testid=machines-count]').dataset.shown === '300', undefined);
  });

  it('sorts by CPU and by last seen, both ways', async () => {
    const sortBy = (key) => page.getByTestId(`machines-sort-${key}`).getByRole('button').click();
    await sortBy('cpu');
    assert.equal(await page.getByTestId('machines-sort-cpu').getAttribute('aria-sort'), 'descending');
    let rows = await fleetRows();
    assert.ok(rows.length >= 10);
    assert.ok(
      isOrdered(
        rows.map((r) => r.cpu),
        'desc',
      ),
      JSON.stringify(rows.map((r) => r.cpu)),
    );
    await sortBy('cpu');
    assert.equal(await page.getByTestId('machines-sort-cpu').getAttribute('aria-sort'), 'ascending');
    rows = await fleetRows();
    assert.ok(
      isOrdered(
        rows.map((r) => r.cpu),
        'asc',
      ),
      JSON.stringify(rows.map((r) => r.cpu)),
    );
    // Oldest first: the VMs that are down (seen 3 min ago) lead.
    await sortBy('seen');
    await sortBy('seen');
    assert.equal(await page.getByTestId('machines-sort-seen').getAttribute('aria-sort'), 'ascending');
    rows = await fleetRows();
    assert.deepEqual(
      rows.slice(0, 3).map((r) => r.status),
      ['down', 'down', 'down'],
    );
    await sortBy('name');
  });

  it('filters by status, alerting and label', async () => {
    const status = page.getByTestId('machines-status');
    await status.selectOption('down');
    await until(() => document.querySelector('[data-testid=machines-count]').dataset.shown === '3', undefined);
    let rows = await fleetRows();
    assert.deepEqual(
      rows.map((r) => [r.vm, r.status, r.alert]),
      [
        ['vm-00000', 'down', 'down'],
        ['vm-00100', 'down', 'down'],
        ['vm-00200', 'down', 'down'],
      ],
    );
    assert.match(rows[0].seen, /^last seen \d+ min ago$/);
    await status.selectOption('alerting');
    await until(() => document.querySelector('[data-testid=machines-count]').dataset.shown === '3', undefined);
    rows = await fleetRows();
    assert.deepEqual(
      rows.map((r) => [r.vm, r.alert]),
      [
        ['vm-00050', 'firing'],
        ['vm-00150', 'firing'],
        ['vm-00250', 'firing'],
      ],
    );
    // Every 50th VM from the 7th stopped reporting two minutes ago.
    await status.selectOption('stale');
    await until(() => document.querySelector('[data-testid=machines-count]').dataset.shown === '6', undefined);
    assert.ok((await fleetRows()).every((r) => r.status === 'stale' && /min ago/.test(r.seen)));
    await status.selectOption('all');

    const label = page.getByTestId('machines-label');
    await label.fill('env=prod');
    await until(() => document.querySelector('[data-testid=machines-count]').dataset.shown === '75', undefined);
    assert.ok((await fleetRows()).every((r) => r.labels.includes('env=prod')));
    // With the search too: prod VMs whose name has 0001 (vm-00012, vm-00016).
    await page.getByTestId('machines-search').fill('0001');
    await until(() => document.querySelector('[data-testid=machines-count]').dataset.shown === '2', undefined);
    assert.deepEqual(
      (await fleetRows()).map((r) => r.vm),
      ['vm-00012', 'vm-00016'],
    );
    await page.getByTestId('machines-search').fill('');
    await label.fill('env');
    assert.equal(await label.getAttribute('aria-invalid'), 'true');
    await until(() => document.querySelector('[data-testid=machines-count]').dataset.shown === '0', undefined);
    await label.fill('');
    // A label chip sets the filter.
    await page.locator('[data-vm=vm-00001] .label-chip', { hasText: 'role=db' }).click();
    assert.equal(await label.inputValue(), 'role=db');
    await until(() => document.querySelector('[data-testid=machines-count]').dataset.shown === '100', undefined);
    await shot('03-fleet-300-filtered');
    await label.fill('');
  });
  it('`fleet` messages update the rows without a reload', async () => {
    // The stand-in sends a third of these 300 VMs' entries each second, with new CPU numbers.
    const first = (await fleetRows()).find((r) => r.vm === 'vm-00001').cpu;
    await until(
      (c) => Number.parseFloat(document.querySelector('[data-vm=vm-00001]').cells[1].textContent) !== c,
      first,
      5000,
    );
    assert.equal(await shownCount(), 300);
  });
});

describe('machines table with 10,000 VMs', () => {
  before(async () => {
    const url = await serve('static-fleet-10000', (port) => startFleetHub({ port, logDir: OUT, vms: 10_000 }));
    await page.goto(`${url}?vm=vm-00000`);
    await until(
      () => Number(document.querySelector('[data-testid=machines-count]')?.dataset.total) === 10_000,
      undefined,
      20_000,
    );
  });

  it('keeps a bounded number of rows in the DOM, at the top and scrolled to the end; a search starts at the top', async () => {
    let rows = await fleetRows();
    assert.ok(rows.length > 5 && rows.length <= 40, `${rows.length} rows in the DOM`);
    assert.equal(rows[0].vm, 'vm-00000');
    await page.getByTestId('machines-scroll').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await until(() => document.querySelector('[data-vm=vm-09999]') !== null, undefined);
    rows = await fleetRows();
    assert.ok(rows.length > 5 && rows.length <= 40, `${rows.length} rows in the DOM`);
    assert.equal(rows.at(-1).vm, 'vm-09999');
    await shot('04-fleet-10000-end');
    // A search from down there starts again at the top, with its matches in view.
    await page.getByTestId('machines-search').fill('vm-0000');
    await until(() => document.querySelector('[data-testid=machines-count]').dataset.shown === '10', undefined);
    assert.deepEqual(
      (await fleetRows()).map((r) => r.vm),
      Array.from({ length: 10 }, (_, i) => `vm-0000${i}`),
    );
    assert.equal(await page.getByTestId('machines-scroll').evaluate((el) => el.scrollTop), 0);
    // The VM picker does not list 10,000 options either.
    assert.ok((await page.locator('[data-testid=vm-picker] option').count()) <= 2);
  });

  it('no page error and no CSP violation', () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(cspViolations, []);
  });
});
