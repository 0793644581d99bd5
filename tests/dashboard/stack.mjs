// The pieces the end-to-end test drives: the real hub as a child process (so the test
// can kill and restart it), the static server for the built dashboard, and SQL
// against the private MariaDB through the mariadb client, writing rows the way the
// ingest routes do (metricas + metricas_por_api in one transaction).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 2xx; throws after `ms`. */
export async function waitHttp(url, ms = 20_000) {
  const deadline = Date.now() + ms;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${ms} ms (${last})`);
}

/** A child process whose output goes to a log file; stop() ends it and waits. */
function launch(name, cmd, args, logDir, env = {}) {
  const log = fs.openSync(path.join(logDir, `${name}.log`), 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', log, log], env: { ...process.env, ...env } });
  const exited = new Promise((resolve) => child.once('exit', (code, sig) => resolve({ code, sig })));
  return {
    child,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** viewerTokenFile: the hub's --viewer-token-file (every read needs that token or its cookie). */
export function startHub({ bin, port, dbUrl, logDir, viewerTokenFile }) {
  if (!fs.existsSync(bin)) throw new Error(`hub binary ${bin} is missing: build it (./vmpulse build) first`);
  return launch('hub', bin, ['--listen', `127.0.0.1:${port}`, '--db', dbUrl], logDir, {
    VMPULSE_VIEWER_TOKEN_FILE: viewerTokenFile,
  });
}

/** bench/dashboard/fleet-hub.mjs: a snapshot of `vms` VMs and a `fleet` message a second. */
export function startFleetHub({ port, logDir, vms, labels = false, alerts = false }) {
  return launch(
    `fleet-hub-${vms}`,
    process.execPath,
    [
      path.join(here, '../../bench/dashboard/fleet-hub.mjs'),
      ...['--port', String(port), '--vms', String(vms)],
      ...(labels ? ['--labels'] : []),
      ...(alerts ? ['--alerts'] : []),
    ],
    logDir,
  );
}

/** tests/dashboard/fake-hub.mjs: synthetic VMs and the alerts protocol, driven by POST /fake/alerts. */
/** v1: VM names (comma-separated) that send contract v1 records, without the v2 fields. */
export function startFakeHub({ port, logDir, vms = 4, v1 = '' }) {
  return launch(
    'fake-hub',
    process.execPath,
    [
      path.join(here, 'fake-hub.mjs'),
      ...['--port', String(port), '--vms', String(vms), '--history-minutes', '10', `--v1=${v1}`],
    ],
    logDir,
  );
}

/** hubUrl: configured in config.js (cross-origin); proxy: same origin, like nginx (auth: its viewer check too). */
export function startStatic({ dist, port, hubUrl, proxy, auth = false, logDir, name = 'static' }) {
  const target = proxy ? ['--proxy', proxy, ...(auth ? ['--auth'] : [])] : ['--hub', hubUrl];
  return launch(
    name,
    process.execPath,
    [path.join(here, 'static-server.mjs'), '--dir', dist, '--port', String(port), ...target],
    logDir,
  );
}

export class Database {
  constructor(url) {
    const m = /^mysql:\/\/([^:]+):([^@]*)@([^:/]+):(\d+)\/(.+)$/.exec(url);
    if (!m) throw new Error('database URL must look like mysql://user:pass@host:port/db');
    [, this.user, this.password, this.host, this.port, this.db] = m;
    this.password = decodeURIComponent(this.password);
  }

  /** Runs SQL; returns rows as arrays of strings (tab-separated batch output). */
  query(sql) {
    const r = spawnSync(
      'mariadb',
      ['--no-defaults', '-h', this.host, '-P', this.port, '-u', this.user, '-N', '-B', this.db],
      {
        // On stdin: a batch of version 2 rows is longer than one argument may be.
        input: sql,
        env: { ...process.env, MYSQL_PWD: this.password },
        encoding: 'utf8',
        timeout: 15_000,
      },
    );
    if (r.status !== 0) throw new Error(`SQL failed (${r.status}): ${r.stderr || r.error}\n${sql.slice(0, 300)}`);
    return r.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t'));
  }

  /**
   * Stores records for one route as the routes do: the rows and the route's count in
   * one transaction. Returns the id of the last row inserted.
   */
  insert(records, api) {
    // The records' own fields (a version 1 record leaves the version 2 columns NULL).
    const cols = [...Object.keys(records[0]), 'api'];
    const sql = (v) =>
      typeof v === 'string' ? sqlString(v) : typeof v === 'object' ? sqlString(JSON.stringify(v)) : Number(v);
    const values = records.map((r) => `(${cols.map((c) => sql(c === 'api' ? api : r[c])).join(',')})`).join(',');
    const rows = this.query(
      `START TRANSACTION;
       INSERT INTO metricas (${cols.join(',')}) VALUES ${values};
       SET @last = LAST_INSERT_ID() + ${records.length - 1};
       INSERT INTO metricas_por_api (api, total) VALUES (${sqlString(api)}, ${records.length}) ON DUPLICATE KEY UPDATE total = total + ${records.length};
       COMMIT;
       SELECT @last;`,
    );
    return Number(rows.at(-1)[0]);
  }

  split() {
    const out = { cpp: 0, nodejs: 0 };
    for (const [api, total] of this.query('SELECT api, total FROM metricas_por_api')) out[api] = Number(total);
    return { ...out, total: out.cpp + out.nodejs };
  }
}

function sqlString(s) {
  return `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** UTC "YYYY-MM-DD HH:MM:SS", the record's hora. */
export function hora(ms = Date.now()) {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * A valid record (the contract's cross-field rules hold) with the given CPU %: version 1,
 * or with `v2` every version 2 field too, from an agent up for 3 days.
 */
export function record(vm, cpu, { ms = Date.now(), totalRam = 8000, ram = 40, procs = 200, v2 = false } = {}) {
  const used = Math.round((totalRam * ram) / 100);
  return {
    vm,
    total_ram: totalRam,
    ram_libre: totalRam - used,
    uso_ram: used,
    porcentaje_ram: ram,
    porcentaje_cpu_uso: cpu,
    porcentaje_cpu_libre: Math.round((100 - cpu) * 100) / 100,
    procesos_corriendo: 3,
    procesos_durmiendo: procs - 5,
    procesos_zombie: 1,
    procesos_parados: 1,
    total_procesos: procs,
    hora: hora(ms),
    ...(v2 ? v2Fields(0, ms, cpu, ms - 3 * 86400_000) : {}),
  };
}

export const round2 = (v) => Math.round(v * 100) / 100;
const PROGRAMS = ['nginx', 'postgres', 'node', 'sshd', 'systemd', 'kworker/0:1', 'java', 'python3', 'redis-server'];
const STATES = ['R', 'S', 'S', 'D', 'S', 'I', 'S', 'R', 'Z'];

/**
 * The contract v2 fields of VM number `k`'s sample at `ms` with the given CPU %, for a VM
 * booted at `bootMs`; procesos_top names a per-second job so a list is tied to its time.
 */
export function v2Fields(k, ms, cpu, bootMs) {
  const load = (cpu / 100) * (2 + k);
  const diskTotal = 40960 * (k + 1);
  const wave = (period, phase = 0) => 0.5 + 0.5 * Math.sin(ms / period + phase + k);
  const procs = PROGRAMS.map((nombre, i) => ({
    pid: 100 + i * 37 + k,
    nombre,
    estado: STATES[i],
    porcentaje_cpu: round2((cpu / PROGRAMS.length) * wave(5_000 + i * 1_300, i)),
    ram_mib: round2(20 + ((i * 7919) % 13) * 61.5 + k),
  }));
  procs.push({
    pid: 4000 + (Math.floor(ms / 1000) % 100000),
    nombre: `job-${hora(ms).slice(11)}`,
    estado: 'R',
    porcentaje_cpu: 0.5,
    ram_mib: 1.25,
  });
  return {
    carga_1: round2(load),
    carga_5: round2(load * 0.8),
    carga_15: round2(load * 0.6),
    porcentaje_cpu_robado: round2(2 * wave(30_000)),
    porcentaje_cpu_espera: round2(5 * wave(20_000, 1)),
    swap_total: 2048,
    swap_libre: 2048 - 100 * k,
    disco_total: diskTotal,
    disco_libre: Math.round(diskTotal * (0.4 + 0.1 * k)),
    disco_lectura_kib_s: round2(800 * wave(15_000)),
    disco_escritura_kib_s: round2(300 * wave(11_000, 2)),
    red_rx_kib_s: round2(1500 * wave(9_000)),
    red_tx_kib_s: round2(400 * wave(13_000, 3)),
    tiempo_activo: Math.floor((ms - bootMs) / 1000),
    procesos_top: procs,
  };
}
