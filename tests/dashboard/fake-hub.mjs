// A stand-in for vmpulse-hub that speaks docs/ws-protocol.md with synthetic data, for
// working on the dashboard's look without a database, and for the alerts checks
// (tests/dashboard/alerts.test.mjs): the alerts protocol (the snapshot's `alerts`,
// the `alerts` message, GET /api/alerts?since=, POST and DELETE /api/silences) with
// alert changes driven by POST /fake/alerts (this fake only; the real hub evaluates
// rules). Records carry the contract v2 fields (load, steal/iowait, swap, disk, network,
// uptime, procesos_top) except for the VMs named by --v1, which send version 1 records;
// GET /api/processes serves the stored lists (tests/dashboard/processes.test.mjs).
// The rest of the suite (e2e.test.mjs) runs the real hub.
//   node fake-hub.mjs --port N [--vms 3] [--history-minutes 60] [--demo-alerts] [--v1 db-1,cache-1]
//   curl -X POST localhost:N/fake/alerts -d '{"rule":"cpu_high","vm":"web-1","state":"firing","value":95,"threshold":90}'
import crypto from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';
import { round2, v2Fields } from './stack.mjs';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '8081' },
    vms: { type: 'string', default: '3' },
    'history-minutes': { type: 'string', default: '60' },
    'demo-alerts': { type: 'boolean', default: false },
    v1: { type: 'string', default: '' },
  },
});
const names = ['web-1', 'web-2', 'db-1', 'cache-1', 'worker-1'].slice(0, Number(args.vms));
const v1 = new Set(args.v1.split(',').filter(Boolean));
const hora = (ms) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
let nextId = 1;
const now0 = Date.now();
const rows = new Map(names.map((n) => [n, []]));
const split = { cpp: 0, nodejs: 0 };

function sample(vm, ms, i) {
  const k = names.indexOf(vm);
  const phase = k * 1.7;
  const cpu = Math.max(
    0,
    Math.min(100, 35 + 25 * Math.sin(ms / 90_000 + phase) + 8 * Math.sin(ms / 7_000) + Math.random() * 6),
  );
  const total = 7936 + k * 8192;
  const used = Math.round(total * (0.45 + 0.15 * Math.sin(ms / 400_000 + phase)));
  const api = i % 2 === 0 ? 'cpp' : 'nodejs';
  split[api] += 1;
  const running = 1 + Math.floor(Math.random() * 4);
  return {
    id: nextId++,
    vm,
    total_ram: total,
    ram_libre: total - used,
    uso_ram: used,
    porcentaje_ram: Math.round((used / total) * 10000) / 100,
    porcentaje_cpu_uso: Math.round(cpu * 100) / 100,
    porcentaje_cpu_libre: Math.round((100 - cpu) * 100) / 100,
    procesos_corriendo: running,
    procesos_durmiendo: 180 + names.indexOf(vm) * 20,
    procesos_zombie: vm === 'web-2' ? 1 : 0,
    procesos_parados: 0,
    total_procesos: running + 180 + names.indexOf(vm) * 20 + (vm === 'web-2' ? 1 : 0),
    hora: hora(ms),
    api,
    // VM number k booted k + 1 days and 5 h before the fake hub started.
    ...(v1.has(vm) ? {} : v2Fields(k, ms, cpu, now0 - (86400 * (k + 1) + 3600 * 5) * 1000)),
  };
}

for (let s = Number(args['history-minutes']) * 60; s > 0; s--) {
  for (const vm of names) rows.get(vm).push(sample(vm, now0 - s * 1000, s));
}
const splitMsg = () => ({ cpp: split.cpp, nodejs: split.nodejs, total: split.cpp + split.nodejs });
const vmsMsg = () =>
  names.map((vm) => {
    const last = rows.get(vm).at(-1);
    const extra = v1.has(vm)
      ? {}
      : { carga_1: last.carga_1, disco_total: last.disco_total, disco_libre: last.disco_libre };
    return { vm, last: last.hora, rows: rows.get(vm).length, ...extra };
  });

function snapshot(vm, minutes) {
  if (!rows.has(vm)) return { type: 'snapshot', vm: null, minutes, vms: [], latest: {}, series: [], split: splitMsg() };
  const since = hora(Date.now() - minutes * 60_000);
  return {
    type: 'snapshot',
    vm,
    minutes,
    vms: vmsMsg(),
    latest: Object.fromEntries(names.map((n) => [n, rows.get(n).at(-1)])),
    // As the hub: the series without procesos_top (the latest row carries it).
    series: rows
      .get(vm)
      .filter((r) => r.hora >= since)
      .map(({ procesos_top: _, ...chart }) => chart),
    split: splitMsg(),
    alerts: alertsBody(),
  };
}

// Alerts, as docs/ws-protocol.md says the hub keeps them: active (pending, firing),
// silences, and every change in the history, newest first on the way out.
const active = new Map(); // `${rule}/${vm}` → alert
const silences = [];
const alertHistory = [];
let nextSilenceId = 1;
let nextHistoryId = 1;
const NAME_PATTERN = /^[A-Za-z0-9._*?-]{1,64}$/;
const HORA = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const horaMs = (h) => Date.parse(`${h.replace(' ', 'T')}Z`);
const globToRe = (p) =>
  new RegExp(
    `^${p
      .replace(/[.+^${}()|[\]\\-]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
const liveSilences = () => silences.filter((x) => horaMs(x.until) > Date.now());
const silencedNow = (vm) => liveSilences().some((x) => globToRe(x.match).test(vm));
const RANK = (a) => (a.state === 'firing' ? 0 : 2) + (a.severity === 'critical' ? 0 : 1);

function alertsBody() {
  const list = [...active.values()]
    .map((a) => ({ ...a, silenced: silencedNow(a.vm) }))
    .sort((a, b) => RANK(a) - RANK(b) || (a.since < b.since ? -1 : a.since > b.since ? 1 : 0));
  return { active: list, silences: liveSilences() };
}
function broadcastAlerts() {
  const msg = JSON.stringify({ type: 'alerts', ...alertsBody() });
  for (const c of wss.clients) c.send(msg);
}

/** One change of one alert (the engine's transition): {rule, vm, state, severity?, value?, threshold?, since?, at?}. */
function applyChange(c) {
  const key = `${c.rule}/${c.vm}`;
  const prev = active.get(key);
  const at = c.at ?? hora(Date.now());
  const alert = {
    rule: c.rule,
    vm: c.vm,
    severity: c.severity ?? prev?.severity ?? 'warning',
    state: c.state,
    value: c.value ?? null,
    threshold: c.threshold ?? null,
    since: c.since ?? (prev && prev.state === c.state ? prev.since : at),
    changed: at,
    summary: c.summary ?? `${c.rule} on ${c.vm}`,
    silenced: silencedNow(c.vm),
    fingerprint: crypto.createHash('sha256').update(key).digest('hex').slice(0, 16),
  };
  if (c.state === 'resolved') active.delete(key);
  else active.set(key, alert);
  const { changed: _c, fingerprint: _f, ...row } = alert;
  alertHistory.push({ id: nextHistoryId++, ...row, from: prev?.state ?? 'inactive', at });
  broadcastAlerts();
}

/** POST /api/silences body → {silence} or {error}. */
function newSilence(body) {
  if (!body || typeof body !== 'object') return { error: 'body must be a JSON object' };
  if (typeof body.vm !== 'string' || !NAME_PATTERN.test(body.vm)) return { error: 'vm: a VM name or pattern' };
  if (body.comment !== undefined && (typeof body.comment !== 'string' || Buffer.byteLength(body.comment) > 255))
    return { error: 'comment: at most 255 bytes' };
  if ((body.minutes === undefined) === (body.until === undefined)) return { error: 'give minutes or until' };
  let untilMs;
  if (body.minutes !== undefined) {
    if (!Number.isInteger(body.minutes) || body.minutes < 1 || body.minutes > 43200)
      return { error: 'minutes: 1..43200' };
    untilMs = Date.now() + body.minutes * 60_000;
  } else {
    if (typeof body.until !== 'string' || !HORA.test(body.until)) return { error: 'until: YYYY-MM-DD HH:MM:SS' };
    untilMs = horaMs(body.until);
    if (!(untilMs > Date.now()) || untilMs - Date.now() > 43200 * 60_000)
      return { error: 'until: in the next 30 days' };
  }
  const silence = {
    id: nextSilenceId++,
    match: body.vm,
    until: hora(untilMs),
    comment: body.comment ?? '',
    created: hora(Date.now()),
  };
  silences.push(silence);
  return { silence };
}

function readJson(req) {
  return new Promise((resolve) => {
    let size = 0;
    const parts = [];
    req.on('data', (d) => {
      size += d.length;
      if (size <= 16384) parts.push(d);
    });
    req.on('end', () => {
      if (size > 16384) return resolve({ tooBig: true });
      try {
        resolve({ value: JSON.parse(Buffer.concat(parts).toString('utf8')) });
      } catch {
        resolve({ bad: true });
      }
    });
  });
}

async function alertRoutes(req, url, json) {
  const bad = (detail) => json(400, { error: 'bad_request', detail });
  if (url.pathname === '/api/alerts' && req.method === 'GET') {
    const body = alertsBody();
    if (!url.searchParams.has('since')) return json(200, body);
    const since = Number(url.searchParams.get('since'));
    const limit = url.searchParams.has('limit') ? Number(url.searchParams.get('limit')) : 1000;
    const now = Date.now() / 1000;
    if (!Number.isInteger(since) || since < now - 30 * 86400 || since > now + 60)
      return bad('since: Unix seconds, at most 30 days back');
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return bad('limit: 1..1000');
    const history = alertHistory
      .filter((h) => horaMs(h.at) >= since * 1000)
      .reverse()
      .slice(0, limit);
    return json(200, { ...body, history });
  }
  if (url.pathname === '/api/silences' && req.method === 'POST') {
    const body = await readJson(req);
    if (body.tooBig) return json(413, { error: 'too_large', detail: 'at most 16 KiB' });
    if (body.bad) return bad('not JSON');
    const r = newSilence(body.value);
    if (r.error) return bad(r.error);
    json(201, r.silence);
    return broadcastAlerts();
  }
  if (url.pathname === '/api/silences' && req.method === 'DELETE') {
    const vm = url.searchParams.get('vm');
    if (vm === null || !NAME_PATTERN.test(vm)) return bad('vm: a VM name or pattern');
    for (let i = silences.length - 1; i >= 0; i--) if (silences[i].match === vm) silences.splice(i, 1);
    res204(json);
    return broadcastAlerts();
  }
  const byId = /^\/api\/silences\/(\d+)$/.exec(url.pathname);
  if (byId && req.method === 'DELETE') {
    const i = silences.findIndex((x) => x.id === Number(byId[1]));
    if (i < 0) return json(404, { error: 'not_found', detail: `no silence ${byId[1]}` });
    silences.splice(i, 1);
    res204(json);
    return broadcastAlerts();
  }
  if (url.pathname === '/fake/alerts' && req.method === 'POST') {
    const body = await readJson(req);
    const c = body.value;
    if (
      !c ||
      typeof c.rule !== 'string' ||
      typeof c.vm !== 'string' ||
      !['pending', 'firing', 'resolved'].includes(c.state)
    )
      return bad('{rule, vm, state: pending|firing|resolved, ...}');
    applyChange(c);
    return json(200, alertsBody());
  }
  return false;
}
const res204 = (json) => json(204, null);

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  // CORS as the hub does it for a dashboard on another origin: that origin, with
  // credentials (the session cookie), and a preflight for POST and DELETE.
  const cors = req.headers.origin
    ? { 'access-control-allow-origin': req.headers.origin, 'access-control-allow-credentials': 'true', vary: 'Origin' }
    : {};
  const json = (code, body) => {
    res.writeHead(code, body === null ? cors : { 'content-type': 'application/json', ...cors });
    res.end(body === null ? undefined : JSON.stringify(body));
  };
  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      ...cors,
      'access-control-allow-methods': 'GET, POST, DELETE',
      'access-control-allow-headers': 'Content-Type',
      'access-control-max-age': '600',
    });
    return res.end();
  }
  if ((await alertRoutes(req, url, json)) !== false) return;
  if (url.pathname === '/livez' || url.pathname === '/readyz') return json(200, { status: 'ok' });
  if (url.pathname === '/api/vms') return json(200, { vms: vmsMsg() });
  if (url.pathname === '/api/split') return json(200, splitMsg());
  if (url.pathname === '/api/processes') return json(...processesAnswer(url.searchParams));
  if (url.pathname === '/api/history') {
    const vm = url.searchParams.get('vm');
    if (!rows.has(vm)) return json(404, { error: 'not_found', detail: `no VM named ${vm}` });
    const from = Number(url.searchParams.get('from')) * 1000;
    const to = Number(url.searchParams.get('to')) * 1000;
    const points = Number(url.searchParams.get('points') || 1000);
    const bucket = Math.max(1, Math.ceil((to - from) / 1000 / points));
    const groups = new Map(); // bucket start → rows, one pass over the VM's rows
    for (const r of rows.get(vm)) {
      const ms = Date.parse(`${r.hora.replace(' ', 'T')}Z`);
      if (ms < from || ms >= to) continue;
      const start = from + Math.floor((ms - from) / (bucket * 1000)) * bucket * 1000;
      if (!groups.has(start)) groups.set(start, []);
      groups.get(start).push(r);
    }
    const out = [];
    for (const [t, inB] of [...groups.entries()].sort((a, b) => a[0] - b[0])) {
      const agg = (k) => ({
        min: Math.min(...inB.map((r) => r[k])),
        avg: inB.reduce((a, r) => a + r[k], 0) / inB.length,
        max: Math.max(...inB.map((r) => r[k])),
      });
      const point = {
        t: hora(t),
        n: inB.length,
        cpu: agg('porcentaje_cpu_uso'),
        ram: agg('porcentaje_ram'),
        procesos: { avg: inB[0].total_procesos },
      };
      // The v2 series ({avg, max}) over the bucket's rows that have them; none, none sent.
      for (const [name, value] of Object.entries(HISTORY_V2)) {
        const vals = inB.map(value).filter((v) => typeof v === 'number');
        if (vals.length === 0) continue;
        point[name] = { avg: vals.reduce((a, v) => a + v, 0) / vals.length, max: Math.max(...vals) };
      }
      out.push(point);
    }
    return json(200, { vm, from: hora(from), to: hora(to), bucket_seconds: bucket, points: out });
  }
  json(404, { error: 'not_found', detail: url.pathname });
});

// The v2 history series as docs/ws-protocol.md names them, each from a row (undefined: not in that row).
const usedPct = (total, free) => (total > 0 ? round2(((total - free) * 100) / total) : undefined);
const HISTORY_V2 = {
  carga: (r) => r.carga_1,
  cpu_robado: (r) => r.porcentaje_cpu_robado,
  cpu_espera: (r) => r.porcentaje_cpu_espera,
  swap: (r) => (r.swap_total === undefined ? undefined : usedPct(r.swap_total, r.swap_libre)),
  disco: (r) => (r.disco_total === undefined ? undefined : usedPct(r.disco_total, r.disco_libre)),
  disco_lectura: (r) => r.disco_lectura_kib_s,
  disco_escritura: (r) => r.disco_escritura_kib_s,
  red_rx: (r) => r.red_rx_kib_s,
  red_tx: (r) => r.red_tx_kib_s,
};

/** GET /api/processes?vm=&at= as the brief says the hub answers it → [status, body]. */
function processesAnswer(q) {
  const vm = q.get('vm');
  if (!rows.has(vm)) return [404, { error: 'not_found', detail: `no VM named ${vm}` }];
  const at = q.get('at') ?? hora(Date.now());
  if (!HORA.test(at)) return [400, { error: 'bad_request', detail: 'at: YYYY-MM-DD HH:MM:SS' }];
  const earliest = hora(horaMs(at) - 5 * 60_000);
  const list = rows.get(vm);
  for (let i = list.length - 1; i >= 0; i--) {
    const r = list[i];
    if (r.hora > at) continue;
    if (r.hora < earliest) break;
    if (r.procesos_top) return [200, { vm, hora: r.hora, procesos_top: r.procesos_top }];
  }
  return [404, { error: 'not_found', detail: `no process list for ${vm} in the 5 minutes before ${at}` }];
}

const wss = new WebSocketServer({ server, path: '/ws' });
wss.on('connection', (ws) => {
  ws.view = names[0];
  ws.send(JSON.stringify(snapshot(ws.view, 15)));
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data));
    if (msg.type === 'ping') ws.send('{"type":"pong"}');
    if (msg.type === 'select') {
      ws.view = msg.vm;
      ws.send(JSON.stringify(snapshot(msg.vm, Math.min(60, msg.minutes ?? 15))));
    }
  });
});
let tick = 0;
setInterval(() => {
  if (names.length === 0) return;
  // A VM that is down (an active vm_down) sends nothing until the alert resolves.
  const fresh = names
    .filter((vm) => !active.has(`vm_down/${vm}`))
    .map((vm) => {
      const r = sample(vm, Date.now(), tick++);
      rows.get(vm).push(r);
      return r;
    });
  const msg = JSON.stringify({ type: 'records', records: fresh, split: splitMsg() });
  for (const c of wss.clients) c.send(msg);
}, 1000);
if (args['demo-alerts'] && names.length >= 2) {
  applyChange({ rule: 'cpu_high', vm: names[0], state: 'firing', value: 93.4, threshold: 90 });
  applyChange({ rule: 'ram_high', vm: names[1], state: 'pending', severity: 'critical', value: 91.2, threshold: 90 });
}
server.listen(Number(args.port), '127.0.0.1', () =>
  console.log(`fake hub on http://127.0.0.1:${server.address().port}`),
);
