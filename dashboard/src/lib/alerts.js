// Alerts as the hub sends them (docs/ws-protocol.md, "Alerts"): checking and ordering
// the active list, which mark each VM gets in the fleet table, the silence request
// the form builds, and the 24 h history request. Pure: no fetch, no React, no clock
// (the caller passes now), so every rule here is unit-tested.

import { horaToMs } from './time.js';
import { isVmName } from './urlState.js';

export const NO_ALERTS = Object.freeze({ active: Object.freeze([]), silences: Object.freeze([]) });

/** The rule the hub uses for "no sample from this VM for `after`". */
export const VM_DOWN = 'vm_down';

/** The durations the silence form offers; "until" takes a time instead. */
export const SILENCE_CHOICES = Object.freeze([
  { id: '30m', label: '30 min', minutes: 30 },
  { id: '2h', label: '2 h', minutes: 120 },
  { id: '1d', label: '1 day', minutes: 1440 },
  { id: 'until', label: 'Until…', minutes: null },
]);
export const MAX_SILENCE_MINUTES = 43200; // 30 days, the hub's limit
export const MAX_COMMENT_BYTES = 255;
export const HISTORY_HOURS = 24;

const SEVERITY_RANK = { critical: 0, warning: 1 };
const STATE_RANK = { firing: 0, pending: 1 };

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const numOrNull = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function normalizeAlert(a) {
  if (!isObject(a) || typeof a.rule !== 'string' || typeof a.vm !== 'string') return null;
  if (!(a.state in STATE_RANK)) return null;
  return {
    rule: a.rule,
    vm: a.vm,
    severity: a.severity === 'critical' ? 'critical' : 'warning',
    state: a.state,
    value: numOrNull(a.value),
    threshold: numOrNull(a.threshold),
    since: typeof a.since === 'string' ? a.since : null,
    sinceMs: horaToMs(a.since),
    changed: typeof a.changed === 'string' ? a.changed : null,
    summary: typeof a.summary === 'string' ? a.summary : '',
    silenced: a.silenced === true,
    fingerprint: typeof a.fingerprint === 'string' ? a.fingerprint : `${a.rule}/${a.vm}`,
  };
}

function normalizeSilence(s) {
  if (!isObject(s) || typeof s.match !== 'string' || !Number.isFinite(horaToMs(s.until))) return null;
  return {
    id: Number.isInteger(s.id) ? s.id : null,
    match: s.match,
    until: s.until,
    untilMs: horaToMs(s.until),
    comment: typeof s.comment === 'string' ? s.comment : '',
    created: typeof s.created === 'string' ? s.created : null,
  };
}

/**
 * Checks `{active, silences}` (the `alerts` message, the snapshot's `alerts` field,
 * GET /api/alerts) and orders the active list. Returns null when the shape is wrong;
 * entries that are not alerts or silences are dropped, not thrown.
 */
export function normalizeAlerts(body) {
  if (!isObject(body) || !Array.isArray(body.active) || !Array.isArray(body.silences)) return null;
  return {
    active: sortAlerts(body.active.map(normalizeAlert).filter(Boolean)),
    silences: body.silences.map(normalizeSilence).filter(Boolean),
  };
}

/**
 * Firing before pending, critical before warning, then the oldest first (the hub
 * sends them in this order; sorting again keeps the bar right whatever the source).
 */
export function sortAlerts(active) {
  const key = (a) => [STATE_RANK[a.state] ?? 9, SEVERITY_RANK[a.severity] ?? 9];
  return [...active].sort((a, b) => {
    const [sa, va] = key(a);
    const [sb, vb] = key(b);
    if (sa !== sb) return sa - sb;
    if (va !== vb) return va - vb;
    const ta = Number.isFinite(a.sinceMs) ? a.sinceMs : Infinity;
    const tb = Number.isFinite(b.sinceMs) ? b.sinceMs : Infinity;
    if (ta !== tb) return ta - tb;
    return a.vm < b.vm ? -1 : a.vm > b.vm ? 1 : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0;
  });
}

/** A silence's pattern against a VM name: `*` any run, `?` one character, the rest literal. */
export function matchesPattern(pattern, name) {
  // Iterative glob with one backtrack point: linear enough for 64-character names.
  let p = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  while (n < name.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === name[n])) {
      p += 1;
      n += 1;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p;
      mark = n;
      p += 1;
    } else if (star >= 0) {
      p = star + 1;
      mark += 1;
      n = mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p += 1;
  return p === pattern.length;
}

/** The silences in force for a VM at `nowMs`, the one that ends last first. */
export function silencesFor(vm, silences, nowMs) {
  return silences.filter((s) => s.untilMs > nowMs && matchesPattern(s.match, vm)).sort((a, b) => b.untilMs - a.untilMs);
}

/**
 * What the fleet table shows for one VM: `status` is "down", "firing", "pending" or
 * null (worst first); `silenced` when a silence covers it now or an alert says so;
 * `lastSeenMs` for a down VM (the vm_down alert's since is its last row);
 * `exactSilence` when a silence names exactly this VM (what "Unsilence" removes).
 */
export function vmMark(vm, alerts, nowMs) {
  const mine = alerts.active.filter((a) => a.vm === vm);
  const down = mine.find((a) => a.rule === VM_DOWN);
  const firing = mine.filter((a) => a.state === 'firing');
  let status = null;
  if (down && down.state === 'firing') status = 'down';
  else if (firing.length > 0) status = 'firing';
  else if (mine.length > 0) status = 'pending';
  const covering = silencesFor(vm, alerts.silences, nowMs);
  const worst = status === 'firing' ? firing : mine;
  return {
    status,
    severity: worst.some((a) => a.severity === 'critical') ? 'critical' : worst.length ? 'warning' : null,
    rules: mine.map((a) => a.rule),
    silenced: covering.length > 0 || (mine.length > 0 && mine.every((a) => a.silenced)),
    silence: covering[0] ?? null,
    exactSilence: covering.find((s) => s.match === vm) ?? null,
    lastSeenMs: down ? down.sinceMs : null,
  };
}

/** Epoch ms → the hub's "YYYY-MM-DD HH:MM:SS" (UTC). */
export function msToHora(ms) {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The POST /api/silences body for the form's choice, or `{error}` saying what to fix.
 * `untilLocal` is an <input type="datetime-local"> value ("2026-12-05T08:00"), read in
 * the browser's zone (`parseLocal` turns it into epoch ms; injected for tests).
 */
export function silenceRequest(
  { vm, choice, untilLocal = '', comment = '' },
  nowMs,
  parseLocal = (s) => new Date(s).getTime(),
) {
  if (!isVmName(vm)) return { error: `"${vm}" is not a VM name` };
  const bytes = new TextEncoder().encode(comment).length;
  if (bytes > MAX_COMMENT_BYTES) return { error: `the comment is ${bytes} bytes; at most ${MAX_COMMENT_BYTES}` };
  const base = { vm, comment: comment.trim() };
  const preset = SILENCE_CHOICES.find((c) => c.id === choice);
  if (!preset) return { error: 'choose how long' };
  if (preset.minutes !== null) return { body: { ...base, minutes: preset.minutes } };
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(untilLocal)) return { error: 'give the time it ends' };
  const untilMs = parseLocal(untilLocal);
  if (!Number.isFinite(untilMs)) return { error: 'give the time it ends' };
  if (untilMs <= nowMs + 60_000) return { error: 'the end must be at least a minute from now' };
  if (untilMs - nowMs > MAX_SILENCE_MINUTES * 60_000) return { error: 'a silence lasts at most 30 days' };
  return { body: { ...base, until: msToHora(untilMs) } };
}

export function silencesUrl(apiBase) {
  return `${apiBase}/api/silences`;
}

/** DELETE this: removes the silences whose pattern is exactly `vm`. */
export function unsilenceUrl(apiBase, vm) {
  return `${apiBase}/api/silences?${new URLSearchParams({ vm })}`;
}

/** GET /api/alerts with the last `hours` of history (Unix seconds). */
export function alertHistoryUrl(apiBase, nowMs, hours = HISTORY_HOURS) {
  const since = Math.floor(nowMs / 1000) - hours * 3600;
  return `${apiBase}/api/alerts?since=${since}`;
}

/** The history of a GET /api/alerts?since= answer, newest first; throws if it has none. */
export function shapeAlertHistory(body) {
  if (!isObject(body) || !Array.isArray(body.history)) throw new Error('alerts answer has no history array');
  return body.history
    .filter((h) => isObject(h) && typeof h.vm === 'string' && typeof h.rule === 'string')
    .map((h) => ({
      id: h.id,
      rule: h.rule,
      vm: h.vm,
      severity: h.severity === 'critical' ? 'critical' : 'warning',
      from: typeof h.from === 'string' ? h.from : null,
      state: typeof h.state === 'string' ? h.state : '?',
      value: numOrNull(h.value),
      threshold: numOrNull(h.threshold),
      atMs: horaToMs(h.at),
      sinceMs: horaToMs(h.since),
      summary: typeof h.summary === 'string' ? h.summary : '',
      silenced: h.silenced === true,
    }))
    .sort((a, b) => (b.atMs || 0) - (a.atMs || 0) || (Number(b.id) || 0) - (Number(a.id) || 0));
}

/** "95.2 (threshold 90)", or "no data" for vm_down (its value is null). */
export function formatAlertValue(a) {
  if (a.value === null) return a.rule === VM_DOWN ? 'no data' : '—';
  const v = Number.isInteger(a.value) ? String(a.value) : a.value.toFixed(1);
  return a.threshold === null ? v : `${v} (threshold ${a.threshold})`;
}

/** Counts for the bar's heading: {firing, pending, critical}. */
export function alertCounts(active) {
  return {
    firing: active.filter((a) => a.state === 'firing').length,
    pending: active.filter((a) => a.state === 'pending').length,
    critical: active.filter((a) => a.state === 'firing' && a.severity === 'critical').length,
  };
}
