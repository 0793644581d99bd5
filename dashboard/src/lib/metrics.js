// The one table between the hub's names and the charts' names: for each series a
// chart draws, the record field it reads live (contract/record.schema.json) and the
// series /api/history answers for it (docs/ws-protocol.md, "HTTP"). Renaming a field
// on either side is one edit here. Every v2 field is optional: a v1 agent's record
// lacks it, and the value is then null (a hole in the line, "—" in a card).

// A number, or a numeric string (a decimal column may come through as text); else null.
function num(v) {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** Used share of the disk in %, or null when the record has no (or a zero) disco_total. */
export function diskUsedPercent(total, free) {
  const t = num(total);
  const f = num(free);
  if (t === null || f === null || t <= 0) return null;
  return Math.min(100, Math.max(0, ((t - f) / t) * 100));
}

/** {min, avg, max} of a history series when all three are numbers, else null. */
export function bucketOf(p, name) {
  const b = p?.[name];
  if (!b || typeof b !== 'object') return null;
  const min = num(b.min);
  const avg = num(b.avg);
  const max = num(b.max);
  return min === null || avg === null || max === null ? null : { min, avg, max };
}

// Disk used % from the buckets of disco_total and disco_libre: the least free space
// of a bucket is its most used, and the other way round.
function diskUsedBucket(p) {
  const total = bucketOf(p, 'disco_total');
  const free = bucketOf(p, 'disco_libre');
  if (!total || !free) return null;
  const avg = diskUsedPercent(total.avg, free.avg);
  if (avg === null) return null;
  return {
    min: diskUsedPercent(total.avg, free.max) ?? avg,
    avg,
    max: diskUsedPercent(total.avg, free.min) ?? avg,
  };
}

const field = (key, name, history = name) => ({
  key,
  fromRecord: (r) => num(r?.[name]),
  fromHistory: (p) => bucketOf(p, history),
});

/** key (the charts' name) → how to read it from a record and from a history point. */
export const SERIES = Object.freeze([
  field('cpu', 'porcentaje_cpu_uso', 'cpu'),
  field('ram', 'porcentaje_ram', 'ram'),
  field('steal', 'porcentaje_cpu_robado'),
  field('iowait', 'porcentaje_cpu_espera'),
  field('load1', 'carga_1'),
  field('load5', 'carga_5'),
  field('load15', 'carga_15'),
  {
    key: 'diskUsed',
    fromRecord: (r) => diskUsedPercent(r?.disco_total, r?.disco_libre),
    fromHistory: diskUsedBucket,
  },
  field('diskRead', 'disco_lectura_kib_s'),
  field('diskWrite', 'disco_escritura_kib_s'),
  field('netRx', 'red_rx_kib_s'),
  field('netTx', 'red_tx_kib_s'),
]);

export const SERIES_KEYS = Object.freeze(SERIES.map((s) => s.key));

/** The record's value of every series (null where the record lacks the field). */
export function recordValues(r) {
  const out = {};
  for (const s of SERIES) out[s.key] = s.fromRecord(r);
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
