// Page-level numbers of the built dashboard in Debian's Chromium, against the
// synthetic hub (tests/dashboard/fake-hub.mjs: per-second rows for an hour, so each
// live chart holds 3,600 points): first data painted after load, and the main-thread
// cost of the live stream (frame intervals and long tasks while records arrive).
//   node page-bench.mjs --dist DIR [--loads 5] [--seconds 20]
import { parseArgs } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../../tests/dashboard/browser.mjs';
import { freePort, waitHttp } from '../../tests/dashboard/stack.mjs';
import { spawn } from 'node:child_process';

const here = path.dirname(fileURLToPath(import.meta.url));
const tests = path.join(here, '../../tests/dashboard');
const { values: args } = parseArgs({
  options: {
    dist: { type: 'string' },
    loads: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '20' },
  },
});

const hubPort = await freePort();
const webPort = await freePort();
const kids = [
  spawn(
    process.execPath,
    [path.join(tests, 'fake-hub.mjs'), '--port', String(hubPort), '--vms', '3', '--history-minutes', '60'],
    { stdio: 'ignore' },
  ),
  spawn(
    process.execPath,
    [
      path.join(tests, 'static-server.mjs'),
      '--dir',
      args.dist,
      '--port',
      String(webPort),
      '--proxy',
      `http://127.0.0.1:${hubPort}`,
    ],
    { stdio: 'ignore' },
  ),
];
const cleanup = () => kids.forEach((k) => k.kill());
process.on('exit', cleanup);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

try {
  await waitHttp(`http://127.0.0.1:${hubPort}/readyz`);
  await waitHttp(`http://127.0.0.1:${webPort}/`);
  const { context, close } = await launchBrowser();
  const url = `http://127.0.0.1:${webPort}/?vm=web-1`;
  const firsts = [];
  const fulls = [];
  for (let i = 0; i < Number(args.loads); i++) {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid=chart-cpu]')?.dataset.points) >= 3500,
      undefined,
      { timeout: 20_000 },
    );
    await page.waitForFunction(() => performance.getEntriesByName('vmpulse:first-data').length > 0);
    firsts.push(await page.evaluate(() => performance.getEntriesByName('vmpulse:first-data')[0].startTime));
    fulls.push(await page.evaluate(() => performance.now()));
    await page.close();
  }
  // Live stream: frame intervals and long tasks while the charts hold 3,600 points each.
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid=chart-cpu]')?.dataset.points) >= 3500,
    undefined,
    { timeout: 20_000 },
  );
  const live = await page.evaluate(async (seconds) => {
    const frames = [];
    const longTasks = [];
    new PerformanceObserver((l) => l.getEntries().forEach((e) => longTasks.push(e.duration))).observe({
      type: 'longtask',
      buffered: false,
    });
    const start = performance.now();
    let last = start;
    await new Promise((resolve) => {
      const step = (t) => {
        frames.push(t - last);
        last = t;
        if (t - start < seconds * 1000) requestAnimationFrame(step);
        else resolve();
      };
      requestAnimationFrame(step);
    });
    return {
      frames,
      longTasks,
      heapMB: performance.memory ? performance.memory.usedJSHeapSize / 1048576 : null,
      points: Number(document.querySelector('[data-testid=chart-cpu]').dataset.points),
    };
  }, Number(args.seconds));
  await close();
  const out = {
    loads: firsts.length,
    firstDataMedianMs: Math.round(median(firsts)),
    firstDataMaxMs: Math.round(Math.max(...firsts)),
    fullHourPaintedMedianMs: Math.round(median(fulls)),
    livePointsPerSeries: live.points,
    frameP50Ms: Math.round(pct(live.frames, 0.5) * 10) / 10,
    frameP99Ms: Math.round(pct(live.frames, 0.99) * 10) / 10,
    longTasks: live.longTasks.length,
    longTaskMaxMs: Math.round(Math.max(0, ...live.longTasks)),
    heapMB: live.heapMB && Math.round(live.heapMB * 10) / 10,
    seconds: Number(args.seconds),
  };
  console.log(JSON.stringify(out));
} finally {
  cleanup();
}
