'use strict';
// The route's own metrics on GET /metrics, with the same names, labels and buckets as
// the C++ route's (core/include/vmpulse/metrics.hpp, docs/ingest.md "Metrics"), so one
// dashboard reads both: request counts by route name and status, request durations,
// records stored, queue depth, commit durations and database errors. Label values come
// from fixed lists (route names, status codes), never from what a client sends.
// Prometheus text exposition format 0.0.4. Then the process's own series
// (process-metrics.js).
const { processLines } = require('./process-metrics');

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
// Request and commit durations in seconds: 1 ms to 10 s, as the C++ route.
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

class Histogram {
  constructor(bounds = DURATION_BUCKETS) {
    this.bounds = bounds;
    this.counts = new Array(bounds.length + 1).fill(0);
    this.sum = 0;
  }

  observe(value) {
    let bucket = 0;
    while (bucket < this.bounds.length && value > this.bounds[bucket]) bucket++;
    this.counts[bucket]++;
    this.sum += value;
  }

  /** The _bucket, _sum and _count lines of one series; `labels` rendered, maybe empty. */
  lines(name, labels) {
    const out = [];
    const sep = labels ? `${labels},` : '';
    let total = 0;
    this.bounds.forEach((bound, i) => {
      total += this.counts[i];
      out.push(`${name}_bucket{${sep}le="${bound}"} ${total}`);
    });
    total += this.counts[this.bounds.length];
    out.push(`${name}_bucket{${sep}le="+Inf"} ${total}`);
    const braces = labels ? `{${labels}}` : '';
    out.push(`${name}_sum${braces} ${this.sum}`, `${name}_count${braces} ${total}`);
    return out;
  }
}

const DB_OPS = ['connect', 'commit', 'ping'];

/**
 * @param {{name: string, path: string}[]} routes  the `route` label of each path; others are "other"
 * @param {{queueDepth?: () => number}} [reads]     values read when scraped
 */
function createMetrics(routes, reads = {}) {
  const byPath = new Map(routes.map((r) => [r.path, r.name]));
  const routeNames = [...routes.map((r) => r.name), 'other'];
  const requests = new Map(); // "route code" → count, once it occurs
  const durations = new Map(routeNames.map((name) => [name, new Histogram()]));
  const commit = new Histogram();
  const dbErrors = Object.fromEntries(DB_OPS.map((op) => [op, 0]));
  let recordsStored = 0;
  let queueDepth = reads.queueDepth ?? (() => 0);

  return {
    CONTENT_TYPE,
    routeOf: (path) => byPath.get(path.split('?')[0]) ?? 'other',
    /** One answered request: its route name, status and duration in seconds. */
    request(route, status, seconds) {
      const name = durations.has(route) ? route : 'other';
      const code = Number.isInteger(status) && status >= 100 && status <= 599 ? status : 0;
      if (code) requests.set(`${name} ${code}`, (requests.get(`${name} ${code}`) ?? 0) + 1);
      durations.get(name).observe(seconds);
    },
    stored(records) {
      recordsStored += records;
    },
    committed(seconds) {
      commit.observe(seconds);
    },
    dbError(op) {
      if (op in dbErrors) dbErrors[op]++;
    },
    setQueueDepth(read) {
      queueDepth = read;
    },
    render() {
      const out = [];
      const family = (name, type, help) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      family('vmpulse_http_requests_total', 'counter', 'HTTP requests answered, by route and status code.');
      for (const [key, count] of requests) {
        const [route, code] = key.split(' ');
        out.push(`vmpulse_http_requests_total{route="${route}",code="${code}"} ${count}`);
      }
      family(
        'vmpulse_http_request_duration_seconds',
        'histogram',
        "Time from a request's first byte to its answer being written, by route.",
      );
      for (const [route, histogram] of durations) {
        out.push(...histogram.lines('vmpulse_http_request_duration_seconds', `route="${route}"`));
      }
      family(
        'vmpulse_ingest_records_stored_total',
        'counter',
        'Records committed to the database (replays not counted).',
      );
      out.push(`vmpulse_ingest_records_stored_total ${recordsStored}`);
      family(
        'vmpulse_ingest_commit_duration_seconds',
        'histogram',
        'Time to store one group of requests in one transaction.',
      );
      out.push(...commit.lines('vmpulse_ingest_commit_duration_seconds', ''));
      family('vmpulse_db_errors_total', 'counter', 'Database operations that failed, by operation.');
      for (const op of DB_OPS) out.push(`vmpulse_db_errors_total{op="${op}"} ${dbErrors[op]}`);
      family('vmpulse_ingest_queue_depth', 'gauge', 'Records accepted and waiting for their group commit.');
      out.push(`vmpulse_ingest_queue_depth ${Number(queueDepth()) || 0}`);
      out.push(...processLines());
      return `${out.join('\n')}\n`;
    },
  };
}

module.exports = { createMetrics, Histogram, CONTENT_TYPE, DURATION_BUCKETS };
