// The one table between the hub's names and the charts' names: for each series a
// chart draws, the record field it reads live (contract/record.schema.json) and the
// series /api/history answers for it (docs/ws-protocol.md, "HTTP"). Renaming a field
// on either side is one edit here. Every v2 field is optional: a v1 agent's record
// lacks it, and the value is then null (a hole in the line, "—" in a card). A series
// with history name null is drawn live only.

// A number, or a numeric string (a decimal column may come through as text); else null.
function num(v) {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** Used share in % of a total and its free part (disk, swap); null without a (non-zero) total. */
export function usedPercent(total, free) {
  const t = num(total);
  const f = num(free);
  if (t === null || f === null || t <= 0) return null;
  return Math.min(100, Math.max(0, ((t - f) / t) * 100));
}

/**
 * {min, avg, max} of a history series, or null when the point lacks it. The v2
 * series come as {avg, max} (docs/ws-protocol.md): their min is the avg, so the band
 * spans from the average up to the bucket's peak.
 */
export function bucketOf(p, name) {
  const b = p?.[name];
  if (!b || typeof b !== 'object') return null;
  const avg = num(b.avg);
  if (avg === null) return null;
  return { min: num(b.min) ?? avg, avg, max: num(b.max) ?? avg };
}

/** A record field read live, and the /api/history series that carries it. */
const field = (key, name, history) => ({
  key,
  fromRecord: (r) => num(r?.[name]),
  fromHistory: history ? (p) => bucketOf(p, history) : () => null,
});

/** A used share (disk, swap) computed from a record's total and free, served as a % series. */
const usedShare = (key, total, free, history) => ({
  key,
  fromRecord: (r) => usedPercent(r?.[total], r?.[free]),
  fromHistory: (p) => bucketOf(p, history),
});

/**
 * key (the charts' name) → how to read it from a record and from a history point.
 * The hub's history has no series for carga_5 and carga_15: those two lines are live only.
 */
export const SERIES = Object.freeze([
  field('cpu', 'porcentaje_cpu_uso', 'cpu'),
  field('ram', 'porcentaje_ram', 'ram'),
  field('steal', 'porcentaje_cpu_robado', 'cpu_robado'),
  field('iowait', 'porcentaje_cpu_espera', 'cpu_espera'),
  usedShare('swap', 'swap_total', 'swap_libre', 'swap'),
  field('load1', 'carga_1', 'carga'),
  field('load5', 'carga_5', null),
  field('load15', 'carga_15', null),
  usedShare('diskUsed', 'disco_total', 'disco_libre', 'disco'),
  field('diskRead', 'disco_lectura_kib_s', 'disco_lectura'),
  field('diskWrite', 'disco_escritura_kib_s', 'disco_escritura'),
  field('netRx', 'red_rx_kib_s', 'red_rx'),
  field('netTx', 'red_tx_kib_s', 'red_tx'),
]);

export const SERIES_KEYS = Object.freeze(SERIES.map((s) => s.key));

/** The record's value of every series (null where the record lacks the field), by key. */
export function recordValues(r) {
  const out = {};
  for (const s of SERIES) out[s.key] = s.fromRecord(r);
  return out;
}

/**
 * The same values as an array in SERIES order: what a live point keeps (3,600 of them
 * per VM), since an object with a dozen keys added one by one is slow in V8.
 */
export function recordValueList(r) {
  const out = new Array(SERIES.length);
  for (let i = 0; i < SERIES.length; i++) out[i] = SERIES[i].fromRecord(r);
  return out;
}

/** Whether any {x,y} of the arrays has a number: a chart with none is not drawn. */
export function hasValues(...arrays) {
  for (const data of arrays) {
    if (!Array.isArray(data)) continue;
    for (const p of data) if (num(p?.y) !== null) return true;
  }
  return false;
}
