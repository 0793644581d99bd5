'use strict';
// Storing records in MySQL/MariaDB (db/migrations/001_metricas.sql): one transaction
// per request holding the idempotency key, one multi-row prepared INSERT of the rows
// and the per-route count, so a 201 means all of it is committed and a failure leaves
// nothing behind. Every failure to talk to the database becomes DatabaseUnavailable,
// quickly: a route that hangs is worse than one that answers 503.
const mysql = require('mysql2/promise');

class DatabaseUnavailable extends Error {}

// Column order of the INSERT; the record's field names are the table's.
const COLUMNS = [
  'vm', 'total_ram', 'ram_libre', 'uso_ram', 'porcentaje_ram', 'porcentaje_cpu_uso', 'porcentaje_cpu_libre',
  'procesos_corriendo', 'total_procesos', 'procesos_durmiendo', 'procesos_zombie', 'procesos_parados', 'hora',
];
const ROW_PLACEHOLDERS = `(${COLUMNS.map(() => '?').join(',')},?)`;
const DUPLICATE_ENTRY = 1062;
const DEADLOCK = 1213;

/**
 * @param {object} options
 * @param {{host, port, user, password, database}} options.db
 * @param {string} options.api               stamped on every row ("nodejs")
 * @param {number} [options.connections]     pool size
 * @param {number} [options.timeoutMs]       bound on connecting, waiting for a connection, each query
 */
function createStore({ db, api, connections = 10, timeoutMs = 2000 }) {
  const pool = mysql.createPool({
    ...db,
    connectionLimit: connections,
    waitForConnections: true,
    queueLimit: connections * 20, // past that, 503 at once instead of an unbounded wait
    connectTimeout: timeoutMs,
    dateStrings: true,
    enableKeepAlive: true,
  });
  // A concurrent request with the same Idempotency-Key waits on the key's row lock;
  // bound that wait well below InnoDB's 50 s default.
  pool.pool.on('connection', (conn) => conn.query('SET SESSION innodb_lock_wait_timeout = 5'));

  /** A pooled connection within timeoutMs, or DatabaseUnavailable. */
  async function acquire() {
    const pending = pool.getConnection();
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new DatabaseUnavailable(`no database connection within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([pending, timeout]);
    } catch (err) {
      // A connection that arrives after we gave up goes back to the pool.
      pending.then((conn) => conn.release(), () => {});
      throw err instanceof DatabaseUnavailable ? err : new DatabaseUnavailable(describe(err));
    } finally {
      clearTimeout(timer);
    }
  }

  async function insertOnce(conn, records, key) {
    const query = (sql, values) => conn.execute({ sql, timeout: timeoutMs * 5 }, values);
    await conn.query('START TRANSACTION');
    if (key !== undefined) {
      try {
        await query('INSERT INTO ingest_keys (idem_key, api, stored) VALUES (?, ?, ?)', [key, api, records.length]);
      } catch (err) {
        if (err.errno !== DUPLICATE_ENTRY) throw err;
        await conn.query('ROLLBACK');
        const [rows] = await query('SELECT stored FROM ingest_keys WHERE idem_key = ?', [key]);
        if (rows.length === 0) throw new Error(`Idempotency-Key ${key} was claimed but is gone`);
        // The answer names the route that answers, whichever stored the key (as route 1 does).
        return { stored: rows[0].stored, api, replayed: true };
      }
    }
    const values = [];
    for (const record of records) {
      for (const column of COLUMNS) values.push(record[column]);
      values.push(api);
    }
    const rows = new Array(records.length).fill(ROW_PLACEHOLDERS).join(',');
    await query(`INSERT INTO metricas (${COLUMNS.join(',')},api) VALUES ${rows}`, values);
    await query('INSERT INTO metricas_por_api (api, total) VALUES (?, ?) ON DUPLICATE KEY UPDATE total = total + ?', [
      api, records.length, records.length,
    ]);
    await conn.query('COMMIT');
    return { stored: records.length, api, replayed: false };
  }

  /** Stores the records (all or nothing); {stored, api, replayed}. */
  async function insert(records, key) {
    for (let attempt = 1; ; attempt++) {
      const conn = await acquire();
      let healthy = true;
      try {
        return await insertOnce(conn, records, key);
      } catch (err) {
        healthy = await rollback(conn);
        // InnoDB rolled a deadlock victim back whole; one retry is safe and usually wins.
        if (err.errno === DEADLOCK && attempt < 2) continue;
        throw new DatabaseUnavailable(describe(err));
      } finally {
        if (healthy) conn.release();
        else conn.destroy();
      }
    }
  }

  async function ping() {
    try {
      const conn = await acquire();
      try {
        await conn.query({ sql: 'SELECT 1', timeout: timeoutMs });
        conn.release();
        return true;
      } catch {
        conn.destroy();
        return false;
      }
    } catch {
      return false;
    }
  }

  return { insert, ping, close: () => pool.end() };
}

/** Rolls back; false when the connection is no longer usable. */
async function rollback(conn) {
  try {
    await conn.query('ROLLBACK');
    return true;
  } catch {
    return false;
  }
}

// The driver's code and message say what failed; they hold no password (values are
// bound, never in the SQL text).
function describe(err) {
  return [err.code, err.message].filter(Boolean).join(': ').slice(0, 300);
}

module.exports = { createStore, DatabaseUnavailable };
