// Serves a built dashboard (dashboard/dist) the way the production container does:
// static files, an SPA fallback, and /config.js written at start from the hub URL
// (deploy/docker/dashboard/write-config.sh does the same in the image).
//   node static-server.mjs --dir DIST --port N --hub URL
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { dir: { type: 'string' }, port: { type: 'string', default: '0' }, hub: { type: 'string', default: '' } },
});
if (!args.dir) {
  console.error('usage: static-server.mjs --dir DIST [--port N] [--hub URL]');
  process.exit(2);
}
const root = path.resolve(args.dir);
const configJs = `window.VMPULSE_CONFIG = { hubUrl: ${JSON.stringify(args.hub)} };\n`;
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
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
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch (err) {
    res.writeHead(500).end(String(err.message));
  }
});
server.listen(Number(args.port), '127.0.0.1', () => {
  console.log(`static-server listening on http://127.0.0.1:${server.address().port} (hub ${args.hub || 'same origin'})`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
