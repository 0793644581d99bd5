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
      ['--no-defaults', '-h', this.host, '-P', this.port, '-u', this.user, '-N', '-B', this.db, '-e', sql],
      {
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
    const cols = [
      'vm',
      'total_ram',
      'ram_libre',
      'uso_ram',
      'porcentaje_ram',
      'porcentaje_cpu_uso',
      'porcentaje_cpu_libre',
      'procesos_corriendo',
      'total_procesos',
      'procesos_durmiendo',
      'procesos_zombie',
      'procesos_parados',
      'hora',
      'api',
    ];
    const values = records
      .map(
        (r) =>
          `(${cols.map((c) => (c === 'api' ? sqlString(api) : typeof r[c] === 'string' ? sqlString(r[c]) : Number(r[c]))).join(',')})`,
      )
      .join(',');
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

/** A valid record (the contract's cross-field rules hold) with the given CPU %. */
export function record(vm, cpu, { ms = Date.now(), totalRam = 8000, ram = 40, procs = 200 } = {}) {
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
  };
}
