// Signed-in reads and the hub's abuse limits, against the hubs of tests/suites/50-hub.sh:
//   HUB_MAIN   defaults (viewer token HUB_VIEWER_TOKEN; HUB_MAIN_PID for its memory)
//   HUB_GUARD  --max-per-address 3 --trusted-proxy 127.0.0.1 --max-raw-span 1h
// HUB_INGEST_TOKEN is the ingest routes' token: never a viewer credential.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { Client, env, getJson, insertRows, pool, row, sleep, VIEWER } from './lib.mjs';

const MAIN = env('HUB_MAIN');
const GUARD = env('HUB_GUARD');
const INGEST = env('HUB_INGEST_TOKEN');
const db = pool();
const open = [];

after(async () => {
  for (const client of open) client.close();
  await db.end();
});

async function connect(base, options) {
  const client = await Client.open(base, options);
  open.push(client);
  return client;
}

// The status of a WebSocket upgrade to `base`/ws with `headers` (101 when it opened).
function upgradeStatus(base, headers = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(base.replace(/^http/, 'ws') + '/ws', { headers });
    ws.once('open', () => {
      ws.terminate();
      resolve({ status: 101 });
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body, headers: res.headers }));
    });
    ws.once('error', reject);
  });
}

const cookieFor = (expiry, key = VIEWER) =>
  `vmpulse_session=v1.${expiry}.${createHmac('sha256', key).update(`v1.${expiry}`).digest('hex')}`;

async function signIn(base, body) {
  const response = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, cookie: response.headers.get('set-cookie'), text: await response.text() };
}

const READS = ['/api/history?vm=seed-1', '/api/vms', '/api/split', '/api/stats'];

describe('signed-in reads', () => {
  test('every read path without a credential is 401 with WWW-Authenticate; /livez and /readyz stay open', async () => {
    for (const path of [...READS, '/api/auth', '/nothing']) {
      const answer = await getJson(MAIN, path, { auth: false });
      assert.equal(answer.status, 401, path);
      assert.equal(answer.body.error, 'unauthorized', path);
      assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="vmpulse"', path);
    }
    assert.equal((await getJson(MAIN, '/livez', { auth: false })).status, 200);
    assert.equal((await getJson(MAIN, '/readyz', { auth: false })).status, 200);
  });

  test('with the viewer token every read is 200 (GET /api/auth 204); with the ingest token 401', async () => {
    for (const path of READS) {
      assert.equal((await getJson(MAIN, path)).status, 200, path);
      const ingest = await getJson(MAIN, path, { headers: { Authorization: `Bearer ${INGEST}` } });
      assert.equal(ingest.status, 401, path);
    }
    assert.equal((await getJson(MAIN, '/api/auth')).status, 204);
    assert.equal((await getJson(MAIN, '/api/auth', { headers: { Authorization: `Bearer ${INGEST}` } })).status, 401);
  });

  test('POST /api/session: the cookie it sets reads; a wrong token is 401 with no cookie and is not logged', async () => {
    const ok = await signIn(MAIN, { token: VIEWER });
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.cookie, /^vmpulse_session=v1\.\d+\.[0-9a-f]{64}; /);
    for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/']) {
      assert.ok(ok.cookie.includes(attribute), attribute);
    }
    const cookie = ok.cookie.split(';')[0];
    for (const path of READS) {
      assert.equal((await getJson(MAIN, path, { auth: false, headers: { Cookie: cookie } })).status, 200, path);
    }
    assert.equal((await getJson(MAIN, '/api/auth', { auth: false, headers: { Cookie: cookie } })).status, 204);

    const wrong = await signIn(MAIN, { token: INGEST });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.cookie, null);
    assert.ok(!wrong.text.includes(INGEST));
    const log = readFileSync(env('HUB_MAIN_LOG'), 'utf8');
    assert.ok(!log.includes(INGEST) && !log.includes(VIEWER), 'a token in the hub log');
  });

  test('a tampered, expired, far-future or foreign-key cookie is 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const good = cookieFor(now + 600);
    assert.equal((await getJson(MAIN, '/api/vms', { auth: false, headers: { Cookie: good } })).status, 200);
    const tampered = good.slice(0, -1) + (good.endsWith('0') ? '1' : '0');
    for (const cookie of [
      tampered,
      cookieFor(now - 1),
      cookieFor(now + 30 * 24 * 3600),
      cookieFor(now + 600, INGEST),
    ]) {
      assert.equal((await getJson(MAIN, '/api/vms', { auth: false, headers: { Cookie: cookie } })).status, 401, cookie);
    }
  });

  test('a WebSocket upgrade without a credential is refused 401 before the upgrade; viewer token or cookie opens it', async () => {
    const none = await upgradeStatus(MAIN);
    assert.equal(none.status, 401);
    assert.equal(JSON.parse(none.body).error, 'unauthorized');
    assert.equal((await upgradeStatus(MAIN, { Authorization: `Bearer ${INGEST}` })).status, 401);
    assert.equal((await upgradeStatus(MAIN, { Cookie: cookieFor(Math.floor(Date.now() / 1000) - 5) })).status, 401);
    assert.equal((await upgradeStatus(MAIN, { Authorization: `Bearer ${VIEWER}` })).status, 101);
    assert.equal((await upgradeStatus(MAIN, { Cookie: cookieFor(Math.floor(Date.now() / 1000) + 60) })).status, 101);
  });
});

describe('abuse limits', () => {
  test('per-address cap on /ws: the 4th client of an address is 429; other addresses (X-Forwarded-For from the trusted proxy) are not affected', async () => {
    const from = (ip) => ({ headers: { 'X-Forwarded-For': `203.0.113.9, ${ip}` } });
    const held = [];
    for (let i = 0; i < 3; i++) held.push(await connect(GUARD, from('10.1.0.1')));
    const fourth = await upgradeStatus(GUARD, { Authorization: `Bearer ${VIEWER}`, 'X-Forwarded-For': '10.1.0.1' });
    assert.equal(fourth.status, 429);
    assert.equal(JSON.parse(fourth.body).error, 'too_many_connections');
    const other = await connect(GUARD, from('10.1.0.2'));
    await other.until((c) => c.ofType('snapshot').length > 0, 10000, 'a snapshot');
    // A slot comes back when a client leaves.
    held[0].close();
    let status = 0;
    for (let i = 0; i < 50 && status !== 101; i++) {
      await sleep(100);
      status = (await upgradeStatus(GUARD, { Authorization: `Bearer ${VIEWER}`, 'X-Forwarded-For': '10.1.0.1' }))
        .status;
    }
    assert.equal(status, 101);
  });

  test('raw history is limited to --max-raw-span: 400 with what to ask instead; the rollup answers longer spans', async () => {
    const to = Math.floor(Date.now() / 1000);
    const raw = await getJson(GUARD, `/api/history?vm=seed-1&from=${to - 7200}&to=${to}&source=raw`);
    assert.equal(raw.status, 400);
    assert.equal(raw.body.error, 'span_too_long_for_raw');
    assert.match(raw.body.detail, /fewer points/);
    const fine = await getJson(GUARD, `/api/history?vm=seed-1&from=${to - 7200}&to=${to}&points=7200`);
    assert.equal(fine.status, 400, 'one-second buckets over 2 h need raw rows');
    const rolled = await getJson(GUARD, `/api/history?vm=seed-1&from=${to - 7200}&to=${to}&points=100`);
    assert.equal(rolled.status, 200, JSON.stringify(rolled.body));
    assert.equal(rolled.headers.get('x-history-source'), 'rollup');
    assert.equal((await getJson(GUARD, `/api/history?vm=seed-1&from=${to - 600}&to=${to}&source=raw`)).status, 200);
  });

  test('10,000 selects from one client: hub memory stays bounded and another client keeps getting its rows', async () => {
    const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${env('HUB_MAIN_PID')}/status`, 'utf8'))[1]);
    // 200 VMs, so that 10,000 selects name 10,000 different (vm, minutes) pairs, each a
    // query and a snapshot of its own (tens of KiB: the VM list is in every one) if
    // they were all served.
    const vms = Array.from({ length: 200 }, (_, i) => `fl-${String(i).padStart(3, '0')}`);
    await insertRows(db, [...vms.map((vm) => row(vm)), row('calm')]);
    const calm = await connect(MAIN, { path: '/ws?vm=calm' });
    await calm.until((c) => c.ofType('snapshot').length > 0, 10000, "the calm client's snapshot");
    const flood = await connect(MAIN);
    await flood.until((c) => c.ofType('snapshot').length > 0, 10000, "the flood client's snapshot");
    const queriesBefore = (await getJson(MAIN, '/api/stats')).body.snapshot_queries;
    const before = rss();

    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20);
    const ids = [];
    const started = Date.now();
    for (let i = 0; i < 10000; i++) {
      flood.send({ type: 'select', vm: vms[i % 200], minutes: 1 + (Math.floor(i / 200) % 60) });
      if (i % 1000 === 0) ids.push(...(await insertRows(db, [row('calm', { cpu: i % 100 })])));
    }
    flood.send({ type: 'select', vm: 'fl-007', minutes: 7 });
    ids.push(...(await insertRows(db, [row('calm')])));
    await calm.until((c) => ids.every((id) => c.recordIds().includes(id)), 15000, 'every calm row during the flood');
    const calmMs = Date.now() - started;
    await flood.until(
      (c) => c.ofType('snapshot').some((s) => s.vm === 'fl-007' && s.minutes === 7),
      15000,
      'the snapshot of the last select',
    );
    await sleep(500);
    peak = Math.max(peak, rss());
    clearInterval(sampler);
    const grown = (peak - before) / 1024;
    const queries = (await getJson(MAIN, '/api/stats')).body.snapshot_queries - queriesBefore;
    console.log(
      `# 10,000 selects: hub RSS ${(before / 1024).toFixed(1)} MiB -> peak ${(peak / 1024).toFixed(1)} MiB (+${grown.toFixed(1)}); ${queries} snapshot queries, ${flood.ofType('snapshot').length} snapshots sent; the calm client got its ${ids.length} rows within ${calmMs} ms`,
    );
    assert.ok(grown < 32, `hub RSS grew by ${grown.toFixed(1)} MiB`);
    assert.ok(queries < 2000, `${queries} snapshot queries: the selects were not coalesced per client`);
    assert.equal(flood.closed, null, 'the flooding client is served, not dropped');
  });
});
