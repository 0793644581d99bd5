// How numbers read on the dashboard. Everything returns a string; missing or
// non-finite input reads as an em dash rather than "NaN".

const DASH = '—';

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

/** 42.345 → "42.3" (one decimal, the precision the database keeps is two). */
export function formatPercent(v, digits = 1) {
  return isNum(v) ? v.toFixed(digits) : DASH;
}

/** MiB → "812 MiB", "15.6 GiB", "1.20 TiB". */
export function formatMiB(mib) {
  if (!isNum(mib)) return DASH;
  if (Math.abs(mib) < 1024) return `${Math.round(mib)} MiB`;
  const gib = mib / 1024;
  if (Math.abs(gib) < 1024) return `${gib < 10 ? gib.toFixed(2) : gib.toFixed(1)} GiB`;
  return `${(gib / 1024).toFixed(2)} TiB`;
}

/** 1234567 → "1,234,567" (fixed locale so the page and the tests agree). */
export function formatCount(n) {
  return isNum(n) ? Math.round(n).toLocaleString('en-US') : DASH;
}

/** 0.5123 → "51.2%". */
export function formatShare(share) {
  return isNum(share) ? `${(share * 100).toFixed(1)}%` : DASH;
}

/** Epoch ms → "14:03:07" in the viewer's zone (or the one given). */
export function formatClock(ms, timeZone) {
  if (!isNum(ms)) return DASH;
  return new Date(ms).toLocaleTimeString('en-GB', { hour12: false, timeZone });
}

/** Epoch ms → "14:03" for axis ticks; with the date when the span covers days. */
export function formatTick(ms, spanMs, timeZone) {
  if (!isNum(ms)) return '';
  const d = new Date(ms);
  // Over weeks the hour says nothing: the day and month only.
  if (spanMs > 8 * 86400 * 1000) return d.toLocaleDateString('en-GB', { timeZone, day: '2-digit', month: 'short' });
  if (spanMs > 20 * 3600 * 1000) {
    return d.toLocaleString('en-GB', {
      hour12: false,
      timeZone,
      day: '2-digit',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
  }
  const opts = { hour12: false, timeZone, hour: '2-digit', minute: '2-digit' };
  if (spanMs < 10 * 60 * 1000) opts.second = '2-digit';
  return d.toLocaleTimeString('en-GB', opts);
}

/** Age of a sample: "just now", "12 s ago", "3 min ago", "2 h ago", "4 d ago". */
export function formatAgo(thenMs, nowMs) {
  if (!isNum(thenMs) || !isNum(nowMs)) return DASH;
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (s < 2) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** Seconds until a reconnect attempt, rounded up so "in 0 s" never shows early. */
export function formatCountdown(ms) {
  if (!isNum(ms)) return DASH;
  return `${Math.max(0, Math.ceil(ms / 1000))} s`;
}

/**
 * The tab title, with the headline numbers for a dashboard kept in a background tab,
 * led by the count of firing alerts when there are any ("(2 firing) web-1 · …").
 */
export function formatTabTitle(vm, record, firing = 0) {
  const lead = firing > 0 ? `(${firing} firing) ` : '';
  if (!vm || !record) return `${lead}vmpulse`;
  return `${lead}${vm} · CPU ${formatPercent(record.porcentaje_cpu_uso, 0)}% · RAM ${formatPercent(record.porcentaje_ram, 0)}% — vmpulse`;
}

/** Epoch ms → "05 Dec, 14:03:07" in the viewer's zone (or the one given). */
export function formatDateTime(ms, timeZone) {
  if (!isNum(ms)) return DASH;
  return new Date(ms).toLocaleString('en-GB', {
    hour12: false,
    timeZone,
    day: '2-digit',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** Load average → "0.42" (two decimals, as uptime(1) prints it). */
export function formatLoad(v) {
  return isNum(v) ? v.toFixed(2) : DASH;
}

/** KiB/s → "312 KiB/s", "4.25 MiB/s", "1.10 GiB/s". */
export function formatRate(kibs) {
  if (!isNum(kibs)) return DASH;
  if (Math.abs(kibs) < 1024) return `${kibs < 10 ? kibs.toFixed(1) : Math.round(kibs)} KiB/s`;
  const mib = kibs / 1024;
  if (Math.abs(mib) < 1024) return `${mib < 10 ? mib.toFixed(2) : mib.toFixed(1)} MiB/s`;
  return `${(mib / 1024).toFixed(2)} GiB/s`;
}

/** Seconds since boot → "3 d 4 h", "5 h 12 min", "7 min", "40 s". */
export function formatUptime(seconds) {
  if (!isNum(seconds) || seconds < 0) return DASH;
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}
