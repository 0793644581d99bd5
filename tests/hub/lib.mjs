// Helpers for the hub's end-to-end tests: WebSocket clients that record what they
// receive, and rows written the way the ingest routes write them (the row and the
// per-route count in one transaction).
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';
import WebSocket from 'ws';

// Route 2's row writer (plain Node, no dependencies): the stored form of procesos_top.
const require = createRequire(import.meta.url);
const { createRowBuilder } = require('../../node-api/src/record-row.js');
const routeRow = createRowBuilder(require('../../contract/record.schema.json'));
const PROCESSES = routeRow.columns.indexOf('procesos_top');

export { sleep };

export function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run tests/suites/50-hub.sh)`);
  return value;
}

export function pool() {
  const url = new URL(env('HUB_TEST_DB_URL'));
  return mysql.createPool({
    host: url.hostname,
    port: Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1),
    connectionLimit: 40,
    timezone: 'Z',
    dateStrings: true,
  });
}

// The viewer token the suite's hubs read (--viewer-token-file), and the headers that
// present it. getJson and Client.open send it unless told `auth: false`.
export const VIEWER = process.env.HUB_VIEWER_TOKEN ?? '';
export const viewerHeaders = (headers = {}) =>
  VIEWER && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')
    ? { Authorization: `Bearer ${VIEWER}`, ...headers }
    : headers;

export function utcNow() {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

// A record of the contract with an arbitrary `cpu` and the given hora.
export function row(vm, { cpu = 10, hora = utcNow(), api = 'cpp', procesos = 100, ram = 50 } = {}) {
  return [vm, 8000, 4000, 4000, ram, cpu, 100 - cpu, 1, procesos, procesos - 1, 0, 0, hora, api];
}

const COLUMNS =
  'vm, total_ram, ram_libre, uso_ram, porcentaje_ram, porcentaje_cpu_uso, porcentaje_cpu_libre, ' +
  'procesos_corriendo, total_procesos, procesos_durmiendo, procesos_zombie, procesos_parados, hora, api';

// Inserts rows in one transaction on `conn` (a pool or a connection); returns their ids.
export async function insertRows(db, rows, { commit = true, counts = true } = {}) {
  const conn = db.getConnection ? await db.getConnection() : db;
  try {
    await conn.beginTransaction();
    const [result] = await conn.query(`INSERT INTO metricas (${COLUMNS}) VALUES ?`, [rows]);
    const perApi = new Map();
    for (const r of rows) perApi.set(r[13], (perApi.get(r[13]) ?? 0) + 1);
    for (const [api, n] of counts ? perApi : []) {
      await conn.query(
        'INSERT INTO metricas_por_api (api, total) VALUES (?, ?) ON DUPLICATE KEY UPDATE total = total + VALUES(total)',
        [api, n],
      );
    }
    if (commit) await conn.commit();
    // innodb_autoinc_lock_mode=1: a multi-row INSERT gets consecutive ids.
    return rows.map((_, i) => result.insertId + i);
  } catch (error) {
    await conn.rollback().catch(() => {});
    throw error;
  } finally {
    if (db.getConnection && conn.release) conn.release();
  }
}

// Inserts records given as objects of column values (version 2 fields, procesos_top as
// an array, etiquetas as an object) in one transaction, the per-route counts with them,
// the way the ingest routes store them; columns a record leaves out are NULL. A
// procesos_top given as a string is stored as it is (a row written before
// db/migrations/009 holds the objects' JSON). Returns their ids.
export async function insertRecords(db, records) {
  const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
  const values = records.map((r) =>
    columns.map((c) => {
      const value = r[c];
      if (value === undefined) return null;
      // procesos_top and etiquetas: their text as the routes write it.
      if (c === 'procesos_top' && Array.isArray(value)) return routeRow.row({ procesos_top: value }, '')[PROCESSES];
      return value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
    }),
  );
  const conn = await db.getConnection();
  try {
    await conn.beginTransaction();
    const [result] = await conn.query(`INSERT INTO metricas (${columns.join(', ')}) VALUES ?`, [values]);
    const perApi = new Map();
    for (const r of records) perApi.set(r.api, (perApi.get(r.api) ?? 0) + 1);
    for (const [api, n] of perApi) {
      await conn.query(
        'INSERT INTO metricas_por_api (api, total) VALUES (?, ?) ON DUPLICATE KEY UPDATE total = total + VALUES(total)',
        [api, n],
      );
    }
    await conn.commit();
    return records.map((_, i) => result.insertId + i);
  } catch (error) {
    await conn.rollback().catch(() => {});
    throw error;
  } finally {
    conn.release();
  }
}

// A version 1 record object for insertRecords.
export function v1Record(vm, { cpu = 10, hora = utcNow(), api = 'cpp' } = {}) {
  return {
    vm,
    total_ram: 8000,
    ram_libre: 4000,
    uso_ram: 4000,
    porcentaje_ram: 50,
    porcentaje_cpu_uso: cpu,
    porcentaje_cpu_libre: 100 - cpu,
    procesos_corriendo: 1,
    procesos_durmiendo: 99,
    procesos_zombie: 0,
    procesos_parados: 0,
    total_procesos: 100,
    hora,
    api,
  };
}

// A WebSocket client that keeps every message it receives.
export class Client {
  static async open(base, { path = '/ws', headers = {}, auth = true } = {}) {
    const sent = auth ? viewerHeaders(headers) : headers;
    const client = new Client(new WebSocket(base.replace(/^http/, 'ws') + path, { headers: sent }));
    await new Promise((resolve, reject) => {
      client.ws.once('open', resolve);
      client.ws.once('error', reject);
      client.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    return client;
  }

  constructor(ws) {
    this.ws = ws;
    this.messages = [];
    this.arrivals = [];
    this.closed = null;
    this.waiters = [];
    ws.on('message', (data, isBinary) => {
      const message = isBinary ? { type: '<binary>' } : JSON.parse(data.toString());
      this.messages.push(message);
      this.arrivals.push(Date.now());
      this.#wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.#wake();
    });
    ws.on('error', () => {});
  }

  #wake() {
    for (const check of [...this.waiters]) check();
  }

  // Resolves when `predicate(this)` holds; rejects after `ms`.
  until(predicate, ms = 10000, what = 'condition') {
    return new Promise((resolve, reject) => {
      const check = () => {
        let ok = false;
        try {
          ok = predicate(this);
        } catch (error) {
          return finish(() => reject(error));
        }
        if (ok) finish(resolve);
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for ${what}`))), ms);
      const finish = (fn) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        fn();
      };
      this.waiters.push(check);
      check();
    });
  }

  ofType(type) {
    return this.messages.filter((m) => m.type === type);
  }

  // Every record id received in records messages, in arrival order.
  recordIds(filter = () => true) {
    return this.ofType('records').flatMap((m) => m.records.filter(filter).map((r) => r.id));
  }

  send(value, options) {
    this.ws.send(typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value), options);
  }

  close() {
    this.ws.terminate();
  }
}

export async function getJson(base, path, { auth = true, ...init } = {}) {
  const headers = auth ? viewerHeaders(init.headers ?? {}) : (init.headers ?? {});
  const response = await fetch(base + path, { ...init, headers });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body, headers: response.headers };
}
