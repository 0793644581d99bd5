// The hub speaks UTC wall-clock strings ("YYYY-MM-DD HH:MM:SS", the record's `hora`);
// charts want milliseconds. Parsing by hand keeps it independent of the browser's
// time zone and of Date's lenient string parser.

const HORA = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;

/** "2026-11-26 10:00:01" (UTC) → epoch milliseconds, or NaN when malformed. */
export function horaToMs(hora) {
  if (typeof hora !== 'string') return NaN;
  const m = HORA.exec(hora);
  if (!m) return NaN;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return NaN;
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/** Epoch seconds (what /api/history accepts for from/to). */
export function msToUnixSeconds(ms) {
  return Math.floor(ms / 1000);
}

/** Epoch ms → "2026-11-26 10:00:01" (UTC), the form the hub reads back. */
export function msToHora(ms) {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
