// The specification's real-time API, written the way its text shows (seed, "API
// WebSocket (NodeJS + Socket.IO)"): on every connection, a setInterval that queries
// MySQL every second and emits the metrics to that socket; the interval is never
// cleared. A benchmark peer of vmpulse-hub (bench/hub/run.sh), not part of vmpulse.
//   PORT, DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME
const http = require('node:http');
const { Server } = require('socket.io');
const mysql = require('mysql2/promise');

const pool = mysql.createPool({
  host: process.env.DB_HOST,
  port: Number(process.env.DB_PORT),
  user: process.env.DB_USER,
  password: process.env.DB_PASSWORD,
  database: process.env.DB_NAME,
  connectionLimit: 10,
});

async function getCurrentMetrics() {
  const [rows] = await pool.query('SELECT * FROM metricas ORDER BY id DESC LIMIT 10');
  return rows;
}

const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/livez' ? 200 : 404).end();
});
const io = new Server(server, { cors: { origin: '*' } });

io.on('connection', (socket) => {
  setInterval(async () => {
    try {
      socket.emit('metrics', await getCurrentMetrics());
    } catch (error) {
      console.error(error.message);
    }
  }, 1000);
});

server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`listening on ${process.env.PORT}`));
