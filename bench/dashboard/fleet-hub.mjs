// A stand-in for vmpulse-hub with a large fleet, for the fleet page's first-paint
// benchmark (fleet-first-paint.mjs) and the dashboard suite's machines-table checks:
// /ws answers with a snapshot shaped like the hub's (docs/ws-protocol.md; at 10,000
// VMs the real hub sends every VM's vms entry and only the chosen VM's latest record
// and live hour), then every second a `fleet` message with the entries of 1 % of the
// VMs (new numbers, last seen now). No database, no npm dependency: the WebSocket
// framing is the few lines RFC 6455 needs for text frames.
//   node fleet-hub.mjs --port N --vms 10000 [--labels] [--alerts] [--minutes 60]
// --labels: every entry carries etiquetas {env: prod (every 4th VM) | dev, role: web | db | cache}.
// --alerts: every 100th VM has vm_down firing, every 100th from the 50th cpu_high firing.
import crypto from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    vms: { type: 'string', default: '10000' },
    labels: { type: 'boolean', default: false },
    alerts: { type: 'boolean', default: false },
    minutes: { type: 'string', default: '60' },
  },
});
const count = Number(args.vms);
if (!Number.isInteger(count) || count < 1 || count > 1_000_000) {
  console.error('fleet-hub: --vms must be an integer 1..1000000');
  process.exit(2);
}

const hora = (ms) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const names = Array.from({ length: count }, (_, i) => `vm-${String(i).padStart(5, '0')}`);
const start = Date.now();
// Deterministic numbers per VM and second, so runs compare.
const cpuOf = (i, s) => Math.round((((i * 37 + s * 11) % 1000) / 10) * 100) / 100;
const ramOf = (i) => Math.round((20 + ((i * 53) % 700) / 10) * 100) / 100;

function entry(i, nowMs) {
  const s = Math.floor(nowMs / 1000);
  // Every 50th VM last reported two minutes ago (stale).
  const last = i % 50 === 7 ? start - 120_000 : nowMs;
  return {
    vm: names[i],
    last: hora(last),
    rows: 3600 + i,
    porcentaje_cpu_uso: cpuOf(i, s),
    porcentaje_ram: ramOf(i),
    carga_1: Math.round(((i % 400) / 100) * 100) / 100,
    disco_total: 51200,
    disco_libre: 51200 - ((i * 97) % 40000),
    ...(args.labels ? { etiquetas: { env: i % 4 === 0 ? 'prod' : 'dev', role: ['web', 'db', 'cache'][i % 3] } } : {}),
  };
}

let nextId = 1;
function record(i, ms) {
  const cpu = cpuOf(i, Math.floor(ms / 1000));
  const total = 7936;
  const used = Math.round((total * ramOf(i)) / 100);
  return {
    id: nextId++,
    vm: names[i],
    total_ram: total,
    ram_libre: total - used,
    uso_ram: used,
    porcentaje_ram: ramOf(i),
    porcentaje_cpu_uso: cpu,
    porcentaje_cpu_libre: Math.round((100 - cpu) * 100) / 100,
    procesos_corriendo: 2,
    procesos_durmiendo: 180,
    procesos_zombie: 0,
    procesos_parados: 0,
    total_procesos: 182,
    hora: hora(ms),
    api: i % 2 ? 'nodejs' : 'cpp',
  };
}

function alertsBody() {
  if (!args.alerts) return { active: [], silences: [] };
  const active = [];
  for (let i = 0; i < count; i += 100) {
    const since = hora(start - 180_000);
    const base = { severity: 'critical', state: 'firing', since, changed: since, silenced: false };
    active.push({ ...base, rule: 'vm_down', vm: names[i], value: null, threshold: null, summary: 'down' });
    if (i + 50 < count)
      active.push({ ...base, rule: 'cpu_high', vm: names[i + 50], severity: 'warning', value: 95, threshold: 90 });
  }
  return {
    active: active.map((a, k) => ({ ...a, summary: a.summary ?? 'cpu', fingerprint: String(k).padStart(16, '0') })),
    silences: [],
  };
}

const liveMinutes = Math.min(60, Number(args.minutes) || 60);
let lastSnapshotBytes = 0;
let lastSnapshotMs = 0; // building and serialising it, this process's share of the wait
function snapshot(vm, minutes) {
  const t0 = performance.now();
  const i = Math.max(0, names.indexOf(vm));
  const now = Date.now();
  const series = [];
  for (let s = minutes * 60; s > 0; s--) series.push(record(i, now - s * 1000));
  const text = JSON.stringify({
    type: 'snapshot',
    vm: names[i],
    minutes,
    vms: names.map((_, k) => entry(k, now)),
    latest: { [names[i]]: series.at(-1) },
    series,
    split: { cpp: 1000, nodejs: 1000, total: 2000 },
    alerts: alertsBody(),
  });
  lastSnapshotBytes = Buffer.byteLength(text);
  lastSnapshotMs = performance.now() - t0;
  return text;
}

// RFC 6455 text frame, server to client (unmasked).
function frame(text, opcode = 0x1) {
  const body = Buffer.from(text);
  const n = body.length;
  const head = n < 126 ? Buffer.alloc(2) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = 0x80 | opcode;
  if (n < 126) head[1] = n;
  else if (n < 65536) {
    head[1] = 126;
    head.writeUInt16BE(n, 2);
  } else {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([head, body]);
}

/** Client frames (masked) out of `buf` → {frames: [{opcode, text}], rest}. */
function readFrames(buf) {
  const frames = [];
  let at = 0;
  while (buf.length - at >= 6) {
    const opcode = buf[at] & 0x0f;
    let len = buf[at + 1] & 0x7f;
    let p = at + 2;
    if (len === 126) {
      if (buf.length - p < 2) break;
      len = buf.readUInt16BE(p);
      p += 2;
    } else if (len === 127) {
      if (buf.length - p < 8) break;
      len = Number(buf.readBigUInt64BE(p));
      p += 8;
    }
    if (buf.length - p < 4 + len) break;
    const mask = buf.subarray(p, p + 4);
    const data = Buffer.from(buf.subarray(p + 4, p + 4 + len));
    for (let k = 0; k < data.length; k++) data[k] ^= mask[k & 3];
    frames.push({ opcode, text: data.toString('utf8') });
    at = p + 4 + len;
  }
  return { frames, rest: buf.subarray(at) };
}

const clients = new Set();
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const json = (code, body) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (url.pathname === '/livez' || url.pathname === '/readyz') return json(200, { status: 'ok' });
  if (url.pathname === '/bench/snapshot') return json(200, { bytes: lastSnapshotBytes, ms: lastSnapshotMs });
  if (url.pathname === '/api/vms') return json(200, { vms: names.map((_, k) => entry(k, Date.now())) });
  if (url.pathname === '/api/alerts') return json(200, alertsBody());
  if (url.pathname === '/api/history') {
    const q = url.searchParams;
    return json(200, { vm: q.get('vm'), from: q.get('from'), to: q.get('to'), bucket_seconds: 60, points: [] });
  }
  json(404, { error: 'not_found', detail: url.pathname });
});
server.on('upgrade', (req, socket) => {
  const url = new URL(req.url, 'http://x');
  const key = req.headers['sec-websocket-key'];
  if (url.pathname !== '/ws' || !key) return socket.destroy();
  const accept = crypto.createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  socket.setNoDelay(true);
  const minutes = Math.min(liveMinutes, Number(url.searchParams.get('minutes')) || 15);
  socket.write(frame(snapshot(url.searchParams.get('vm'), minutes)));
  clients.add(socket);
  let pending = Buffer.alloc(0);
  socket.on('data', (d) => {
    const { frames, rest } = readFrames(Buffer.concat([pending, d]));
    pending = rest;
    for (const f of frames) {
      if (f.opcode === 0x8) return socket.end(frame('', 0x8));
      if (f.opcode !== 0x1) continue;
      let msg;
      try {
        msg = JSON.parse(f.text);
      } catch {
        return socket.end(frame('', 0x8));
      }
      if (msg.type === 'ping') socket.write(frame('{"type":"pong"}'));
      if (msg.type === 'select') socket.write(frame(snapshot(msg.vm, Math.min(liveMinutes, msg.minutes ?? 15))));
    }
  });
  const drop = () => clients.delete(socket);
  socket.on('close', drop);
  socket.on('error', drop);
});

// Each second 1 % of the fleet (at least one VM) reports: a `fleet` message with their entries.
let tick = 0;
setInterval(() => {
  const now = Date.now();
  const step = Math.max(1, Math.round(count / 100));
  const changed = [];
  for (let i = tick++ % step; i < count; i += step) changed.push(entry(i, now));
  const msg = frame(JSON.stringify({ type: 'fleet', vms: changed }));
  for (const c of clients) c.write(msg);
}, 1000);

server.listen(Number(args.port), '127.0.0.1', () =>
  console.log(`fleet hub (${count} VMs) on http://127.0.0.1:${server.address().port}`),
);
