'use strict';
// The database as the tests see it: counts before and after each request, and the rows
// a 201 stored, read back.
const mysql = require('mysql2/promise');

const { schema } = require('./cases');

// A column per property of the schema, named as the property (db/migrations 001, 005).
const COLUMNS = Object.keys(schema.properties);

async function connectDb(url = process.env.VMPULSE_DB_URL) {
  const u = new URL(url);
  const conn = await mysql.createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)),
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    connectTimeout: 5000,
  });
  const one = async (sql, values = []) => (await conn.query(sql, values))[0];
  return {
    /** Everything a request may change, as comparable numbers. */
    async snapshot() {
      const [m] = await one('SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS last FROM metricas');
      const [k] = await one('SELECT COUNT(*) AS n FROM ingest_keys');
      const perApi = {};
      for (const row of await one('SELECT api, total FROM metricas_por_api')) perApi[row.api] = Number(row.total);
      return { rows: Number(m.n), lastId: m.last, keys: Number(k.n), perApi };
    },
    rowsAfter: (id) => one(`SELECT ${COLUMNS.join(',')} FROM metricas WHERE id > ? ORDER BY id`, [id]),
    countKey: async (key) =>
      Number((await one('SELECT COUNT(*) AS n FROM ingest_keys WHERE idem_key = ?', [key]))[0].n),
    tableExists: async (name) => (await one('SHOW TABLES LIKE ?', [name])).length === 1,
    close: () => conn.destroy(),
  };
}

module.exports = { connectDb, COLUMNS };
