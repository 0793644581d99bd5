'use strict';
// Storing records in MySQL/MariaDB (db/migrations/): requests are
// group-committed (commit-queue.js); each request's idempotency key, its one multi-row
// prepared INSERT and the per-route count share a transaction, so a 201 means all of it
// is committed and a failure leaves nothing behind. Every failure to talk to the
// database becomes DatabaseUnavailable, quickly: a route that hangs is worse than one
// that answers 503.
const mysql = require('mysql2/promise');
const { createCommitQueue, QueueFull } = require('./commit-queue');
const { loadContract } = require('./contract');
const { createRowBuilder } = require('./record-row');

class DatabaseUnavailable extends Error {}

// The protocol's bound on the placeholders of one prepared statement.
const MAX_PLACEHOLDERS = 65535;
// Row counts from 1 to this bound the distinct statements a connection prepares.
const MAX_ROWS_PER_INSERT = 1000;
const DEADLOCK = 1213;
// Statements each new connection runs first (the driver sends them before any other).
const SESSION_SETTINGS = [
  'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED',
  'SET SESSION innodb_lock_wait_timeout = 5',
];

/**
 * @param {object} options
 * @param {{host, port, user, password, database}} options.db
 * @param {string} options.api               stamped on every row ("nodejs")
 * @param {object} [options.schema]          the contract's schema, whose properties are metricas'
 *                                           columns (record-row.js); contract.js's file by default
 * @param {number} [options.connections]     pool size
 * @param {number} [options.timeoutMs]       bound on connecting, waiting for a connection, each query
 * @param {(msg: string) => void} [options.log]
 */
function createStore({
  db,
  api,
  schema = loadContract().schema,
  connections = 10,
  timeoutMs = 2000,
  log = () => {},
  metrics = null,
}) {
  const rowBuilder = createRowBuilder(schema);
  const rowPlaceholders = `(${rowBuilder.columns.map(() => '?').join(',')})`;
  const placeholders = (n) => new Array(n).fill(rowPlaceholders).join(',');
  const insertSql = (n) => `INSERT INTO metricas (${rowBuilder.columns.join(',')}) VALUES ${placeholders(n)}`;
  const rowsPerInsert = Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_PLACEHOLDERS / rowBuilder.columns.length));
  const pool = mysql.createPool({
    ...db,
    connectionLimit: connections,
    waitForConnections: true,
    queueLimit: connections * 20, // past that, 503 at once instead of an unbounded wait
    connectTimeout: timeoutMs,
    dateStrings: true,
    enableKeepAlive: true,
    // Each row count is its own prepared statement; keep the most used per connection
    // (closing the rest) so the server's max_prepared_stmt_count is never reached.
    maxPreparedStatements: 64,
  });
  // Read committed: a replayed key's row is read as its (other) writer committed it,
  // whatever this transaction read before, and no gap locks between concurrent groups.
  // A concurrent request with the same Idempotency-Key waits on the key's row lock;
  // bound that wait well below InnoDB's 50 s default.
  pool.pool.on('connection', (conn) => {
    for (const sql of SESSION_SETTINGS) {
      // A connection that refuses one is refused as a whole at its first use anyway.
      conn.query(sql, (err) => err && log(`database session setting failed: ${err.code || err.message}`));
    }
  });

  /** A pooled connection within timeoutMs, or DatabaseUnavailable. */
  async function acquire() {
    const pending = pool.getConnection();
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new DatabaseUnavailable(`no database connection within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([pending, timeout]);
    } catch (err) {
      // A connection that arrives after we gave up goes back to the pool.
      pending.then(
        (conn) => conn.release(),
        () => {},
      );
      throw err instanceof DatabaseUnavailable ? err : new DatabaseUnavailable(describe(err));
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The common case, every key new, in one statement instead of one round trip per
   * request (the round trips, each waiting its turn on the event loop, were most of a
   * group's time under load). True when every key was claimed; false when any was not
   * (already stored, or twice in the group), and the caller must roll back. Unprepared:
   * each key count would otherwise be a statement of its own in the prepared cache.
   */
  async function claimAllNew(conn, items, keyed) {
    const values = keyed.flatMap((i) => [items[i].key, api, items[i].records.length, items[i].bodySha256 ?? null]);
    const [claim] = await conn.query(
      {
        sql: `INSERT IGNORE INTO ingest_keys (idem_key, api, stored, body_sha256) VALUES ${new Array(keyed.length).fill('(?, ?, ?, ?)').join(',')}`,
        timeout: timeoutMs * 5,
      },
      values,
    );
    return claim.affectedRows === keyed.length;
  }

  /** Each key claimed on its own; a key found stored is a replay, or a reuse with another body. */
  async function claimOneByOne(query, items, keyed, results) {
    for (const i of keyed) {
      const { records, key, bodySha256 } = items[i];
      // Ignored when the key exists, committed or claimed earlier in this very group.
      const [claim] = await query(
        'INSERT IGNORE INTO ingest_keys (idem_key, api, stored, body_sha256) VALUES (?, ?, ?, ?)',
        [key, api, records.length, bodySha256 ?? null],
      );
      if (claim.affectedRows === 0) {
        const [found] = await query('SELECT stored, body_sha256 FROM ingest_keys WHERE idem_key = ?', [key]);
        if (found.length === 0) throw new Error(`Idempotency-Key ${key} was claimed but is gone`);
        // A key stored before its body was recorded (NULL, db/migrations/003) can only be replayed.
        const otherBody = found[0].body_sha256 !== null && found[0].body_sha256 !== bodySha256;
        results[i] = otherBody
          ? { stored: 0, replayed: false, keyReused: true }
          : { stored: found[0].stored, replayed: true, keyReused: false };
      }
    }
  }

  /**
   * One transaction for a group of requests: each request's Idempotency-Key claimed (all
   * in one statement when all are new; else one at a time, a key found already stored
   * being a replay, or with another body's hash refused), then the records of all the others in prepared
   * multi-row INSERTs of at most rowsPerInsert rows, then the per-route count,
   * then COMMIT. Resolves with one {stored, replayed} per request.
   */
  async function commitGroupOnce(conn, items, progress) {
    const query = (sql, values) => conn.execute({ sql, timeout: timeoutMs * 5 }, values);
    await conn.query('START TRANSACTION');
    const results = items.map(({ records }) => ({ stored: records.length, replayed: false, keyReused: false }));
    // Keys are claimed in key order, so two groups never wait on each other's keys in a cycle.
    const keyed = items.map((item, i) => i).filter((i) => items[i].key !== undefined);
    keyed.sort((a, b) => (items[a].key < items[b].key ? -1 : items[a].key > items[b].key ? 1 : a - b));
    if (keyed.length > 1 && !(await claimAllNew(conn, items, keyed))) {
      // A key already stored, or twice in this group: start again and claim one at a
      // time, which tells which request each existing key belongs to.
      await conn.query('ROLLBACK');
      await conn.query('START TRANSACTION');
      await claimOneByOne(query, items, keyed, results);
    } else if (keyed.length === 1) {
      await claimOneByOne(query, items, keyed, results);
    }
    const rows = items
      .filter((item, i) => !results[i].replayed && !results[i].keyReused)
      .flatMap((item) => item.records);
    for (let at = 0; at < rows.length; at += rowsPerInsert) {
      const chunk = rows.slice(at, at + rowsPerInsert);
      await query(
        insertSql(chunk.length),
        chunk.flatMap((record) => rowBuilder.row(record, api)),
      );
    }
    if (rows.length > 0) {
      await query('INSERT INTO metricas_por_api (api, total) VALUES (?, ?) ON DUPLICATE KEY UPDATE total = total + ?', [
        api,
        rows.length,
        rows.length,
      ]);
    }
    progress.committing = true;
    await conn.query('COMMIT');
    return results;
  }

  async function commitGroup(items) {
    for (let attempt = 1; ; attempt++) {
      let conn;
      try {
        conn = await acquire();
      } catch (err) {
        metrics?.dbError('connect');
        throw err;
      }
      let healthy = true;
      const progress = { committing: false };
      const started = process.hrtime.bigint();
      try {
        const results = await commitGroupOnce(conn, items, progress);
        metrics?.committed(Number(process.hrtime.bigint() - started) / 1e9);
        metrics?.stored(results.reduce((n, r) => n + (r.replayed || r.keyReused ? 0 : r.stored), 0));
        return results;
      } catch (err) {
        metrics?.dbError('commit');
        healthy = await rollback(conn);
        // One retry where it is safe: InnoDB rolled a deadlock victim back whole, and a
        // pooled connection found dead (server restart, idle timeout) before COMMIT was
        // sent committed nothing. A connection lost during COMMIT may have committed.
        const retriable = err.errno === DEADLOCK || (err.fatal === true && !progress.committing);
        if (retriable && attempt < 2) continue;
        throw err instanceof DatabaseUnavailable ? err : new DatabaseUnavailable(describe(err));
      } finally {
        if (healthy) conn.release();
        else conn.destroy();
      }
    }
  }

  const queue = createCommitQueue({ run: commitGroup, maxInFlight: Math.min(2, connections) });

  /** Stores the records (all or nothing) once their group commits; {stored, api, replayed, keyReused}. */
  async function insert(records, key, bodySha256) {
    let result;
    try {
      result = await queue.submit(records, key, bodySha256);
    } catch (err) {
      if (err instanceof QueueFull) throw new DatabaseUnavailable(`queue full: ${err.message}`);
      throw err;
    }
    // The answer names the route that answers, whichever stored a replayed key (as route 1 does).
    return { ...result, api };
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
        metrics?.dbError('ping');
        return false;
      }
    } catch {
      metrics?.dbError('connect');
      return false;
    }
  }

  return { insert, ping, close: () => pool.end(), queueDepth: () => queue.stats().waitingRows };
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
