// Serves a built dashboard (dashboard/dist) the way the production container does:
// static files, an SPA fallback, and /config.js written at start from the hub URL
// (deploy/docker/dashboard/write-config.sh does the same in the image).
// With --proxy URL it also plays the local ingress (nginx in ./vmpulse up): /ws and
// /api/* go to the hub at URL on the same origin and --hub is left empty; with --auth
// too, the dashboard's files need a viewer credential (the hub's GET /api/auth, as
// nginx's auth_request asks it): without one, 401 and the sign-in page; /signin is open.
//   node static-server.mjs --dir DIST --port N (--hub URL | --proxy URL [--auth])
import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string' },
    port: { type: 'string', default: '0' },
    hub: { type: 'string', default: '' },
    proxy: { type: 'string' },
    auth: { type: 'boolean', default: false },
  },
});
if (!args.dir) {
  console.error('usage: static-server.mjs --dir DIST [--port N] [--hub URL]');
  process.exit(2);
}
const root = path.resolve(args.dir);
const configJs = `window.VMPULSE_CONFIG = { hubUrl: ${JSON.stringify(args.hub)}, allowedHubs: [] };\n`;
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

const upstream = args.proxy ? new URL(args.proxy) : null;
const proxied = (pathname) => upstream && (pathname === '/ws' || pathname.startsWith('/api/'));

function proxyHttp(req, res) {
  const up = http.request(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
    (upRes) => {
      res.writeHead(upRes.statusCode, upRes.headers);
      upRes.pipe(res);
    },
  );
  up.on('error', (err) => {
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'bad_gateway', detail: err.message }));
  });
  req.pipe(up);
}

// Whether the request carries a viewer credential, asked of the hub like nginx does.
async function signedIn(req) {
  const headers = {};
  for (const name of ['cookie', 'authorization']) if (req.headers[name]) headers[name] = req.headers[name];
  try {
    return (await fetch(`${upstream.origin}/api/auth`, { headers })).status === 204;
  } catch {
    return false;
  }
}
// Behind the proxy the page gets the local ingress's Content-Security-Policy
// (scripts/ingress/nginx.conf.template), so a test sees what nginx would block.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const OPEN = new Set(['/signin', '/signin.html', '/signin.js', '/signin.css', '/favicon.svg']);

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (proxied(url.pathname)) return proxyHttp(req, res);
  if (url.pathname === '/signin') url.pathname = '/signin.html';
  if (upstream && args.auth && !OPEN.has(url.pathname) && !(await signedIn(req))) {
    res.writeHead(401, { 'content-type': TYPES['.html'], 'cache-control': 'no-store' });
    res.end(await fs.readFile(path.join(root, 'signin.html')));
    return;
  }
  if (url.pathname === '/config.js') {
    res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
    res.end(configJs);
    return;
  }
  let file = path.join(root, path.normalize(decodeURIComponent(url.pathname)));
  if (!file.startsWith(root)) {
    res.writeHead(400).end('bad path');
    return;
  }
  try {
    if ((await fs.stat(file)).isDirectory()) file = path.join(file, 'index.html');
  } catch {
    file = path.join(root, 'index.html'); // SPA fallback
  }
  try {
    const body = await fs.readFile(file);
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': type, ...(upstream ? { 'content-security-policy': CSP } : {}) });
    res.end(body);
  } catch (err) {
    res.writeHead(500).end(String(err.message));
  }
});
// WebSocket upgrades are passed through byte for byte.
server.on('upgrade', (req, socket, head) => {
  if (!proxied(new URL(req.url, 'http://x').pathname)) return socket.destroy();
  const up = net.connect(Number(upstream.port), upstream.hostname, () => {
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    up.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length) up.write(head);
    up.pipe(socket);
    socket.pipe(up);
  });
  const end = () => {
    up.destroy();
    socket.destroy();
  };
  up.on('error', end);
  socket.on('error', end);
  up.on('close', end);
  socket.on('close', end);
});

server.listen(Number(args.port), '127.0.0.1', () => {
  console.log(
    `static-server listening on http://127.0.0.1:${server.address().port} (hub ${upstream ? `same origin, proxied to ${upstream.origin}` : args.hub || 'same origin'})`,
  );
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
