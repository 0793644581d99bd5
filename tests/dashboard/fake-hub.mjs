// A stand-in for vmpulse-hub that speaks docs/ws-protocol.md with synthetic data, for
// working on the dashboard's look without a database. Development only: the suite
// (tests/suites/55-dashboard.sh) runs the real hub.
//   node fake-hub.mjs --port N [--vms 3] [--history-minutes 60]
import http from 'node:http';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '8081' },
    vms: { type: 'string', default: '3' },
    'history-minutes': { type: 'string', default: '60' },
  },
});
const names = ['web-1', 'web-2', 'db-1', 'cache-1', 'worker-1'].slice(0, Number(args.vms));
const hora = (ms) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
let nextId = 1;
const rows = new Map(names.map((n) => [n, []]));
const split = { cpp: 0, nodejs: 0 };

function sample(vm, ms, i) {
  const phase = names.indexOf(vm) * 1.7;
  const cpu = Math.max(
    0,
    Math.min(100, 35 + 25 * Math.sin(ms / 90_000 + phase) + 8 * Math.sin(ms / 7_000) + Math.random() * 6),
  );
  const total = 7936 + names.indexOf(vm) * 8192;
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
  };
}
const now0 = Date.now();
for (let s = Number(args['history-minutes']) * 60; s > 0; s--) {
  for (const vm of names) rows.get(vm).push(sample(vm, now0 - s * 1000, s));
}
const splitMsg = () => ({ cpp: split.cpp, nodejs: split.nodejs, total: split.cpp + split.nodejs });
const vmsMsg = () => names.map((vm) => ({ vm, last: rows.get(vm).at(-1).hora, rows: rows.get(vm).length }));

function snapshot(vm, minutes) {
  if (!rows.has(vm)) return { type: 'snapshot', vm: null, minutes, vms: [], latest: {}, series: [], split: splitMsg() };
  const since = hora(Date.now() - minutes * 60_000);
  return {
    type: 'snapshot',
    vm,
    minutes,
    vms: vmsMsg(),
    latest: Object.fromEntries(names.map((n) => [n, rows.get(n).at(-1)])),
    series: rows.get(vm).filter((r) => r.hora >= since),
    split: splitMsg(),
  };
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const json = (code, body) => {
    res.writeHead(code, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    res.end(JSON.stringify(body));
  };
  if (url.pathname === '/livez' || url.pathname === '/readyz') return json(200, { status: 'ok' });
  if (url.pathname === '/api/vms') return json(200, { vms: vmsMsg() });
  if (url.pathname === '/api/split') return json(200, splitMsg());
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
      out.push({
        t: hora(t),
        n: inB.length,
        cpu: agg('porcentaje_cpu_uso'),
        ram: agg('porcentaje_ram'),
        procesos: { avg: inB[0].total_procesos },
      });
    }
    return json(200, { vm, from: hora(from), to: hora(to), bucket_seconds: bucket, points: out });
  }
  json(404, { error: 'not_found', detail: url.pathname });
});

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
  const fresh = names.map((vm) => {
    const r = sample(vm, Date.now(), tick++);
    rows.get(vm).push(r);
    return r;
  });
  const msg = JSON.stringify({ type: 'records', records: fresh, split: splitMsg() });
  for (const c of wss.clients) c.send(msg);
}, 1000);
server.listen(Number(args.port), '127.0.0.1', () =>
  console.log(`fake hub on http://127.0.0.1:${server.address().port}`),
);
