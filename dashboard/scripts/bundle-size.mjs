// Initial JavaScript of a built dashboard, gzipped: every script index.html loads
// before the first paint (module entry, modulepreloads, classic scripts such as
// config.js). Prints a table; exits 1 when the total is over the budget.
//   node scripts/bundle-size.mjs [DIST] [--budget-kb 250] [--json]
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const argv = process.argv.slice(2);
const json = argv.includes('--json');
const budgetAt = argv.indexOf('--budget-kb');
const budgetKb = budgetAt >= 0 ? Number(argv[budgetAt + 1]) : 250;
const dist = path.resolve(argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--budget-kb') ?? 'dist');

const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
const refs = new Set();
for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) refs.add(m[1]);
for (const m of html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) refs.add(m[1]);

const rows = [...refs].map((ref) => {
  const file = path.join(dist, ref.replace(/^\//, ''));
  const body = fs.readFileSync(file);
  return { file: ref, bytes: body.length, gzip: zlib.gzipSync(body, { level: 9 }).length };
});
const total = rows.reduce((a, r) => ({ bytes: a.bytes + r.bytes, gzip: a.gzip + r.gzip }), { bytes: 0, gzip: 0 });
const kb = (n) => (n / 1024).toFixed(1);
const ok = total.gzip <= budgetKb * 1024;

if (json) {
  console.log(JSON.stringify({ rows, total, budgetKb, ok }));
} else {
  console.log(`${'file'.padEnd(40)} ${'raw KB'.padStart(9)} ${'gzip KB'.padStart(9)}`);
  for (const r of rows) console.log(`${r.file.padEnd(40)} ${kb(r.bytes).padStart(9)} ${kb(r.gzip).padStart(9)}`);
  console.log(
    `${'initial JS total'.padEnd(40)} ${kb(total.bytes).padStart(9)} ${kb(total.gzip).padStart(9)}  (budget ${budgetKb} KB gzip: ${ok ? 'ok' : 'OVER'})`,
  );
}
process.exit(ok ? 0 : 1);
