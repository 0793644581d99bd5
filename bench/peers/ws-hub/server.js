// The straightforward better version of the specification's API: one query per second
// for all clients (rows newer than the last id seen), one JSON string per update sent
// to every client with the ws package. A benchmark peer of vmpulse-hub
// (bench/hub/run.sh), not part of vmpulse.
//   PORT, DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME
const http = require('node:http');
const { WebSocketServer } = require('ws');
const mysql = require('mysql2/promise');

const pool = mysql.createPool({
  host: process.env.DB_HOST,
  port: Number(process.env.DB_PORT),
  user: process.env.DB_USER,
  password: process.env.DB_PASSWORD,
  database: process.env.DB_NAME,
  connectionLimit: 2,
});

const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/livez' ? 200 : 404).end();
});
const wss = new WebSocketServer({ server });
let lastId = null;

async function poll() {
  if (lastId === null) {
    const [[{ maxId }]] = await pool.query('SELECT COALESCE(MAX(id), 0) AS maxId FROM metricas');
    lastId = maxId;
    return;
  }
  const [rows] = await pool.query('SELECT * FROM metricas WHERE id > ? ORDER BY id', [lastId]);
  if (rows.length === 0) return;
  lastId = rows[rows.length - 1].id;
  const payload = JSON.stringify({ type: 'records', records: rows });
  for (const client of wss.clients) client.send(payload);
}

setInterval(() => poll().catch((error) => console.error(error.message)), 1000);
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`listening on ${process.env.PORT}`));
