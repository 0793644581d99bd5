'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { createMetrics, Histogram } = require('../src/metrics');
const { createLog } = require('../src/log');

test('requests are counted by route name, never by raw path', () => {
  const m = createMetrics([{ name: 'ingest', path: '/api/nodejs/metrics' }]);
  m.request(m.routeOf('/api/nodejs/metrics?x=1'), 201, 0.003);
  m.request(m.routeOf('/some/stranger/path'), 404, 0.0001);
  m.request('not-a-route', 999, 0.1);
  const text = m.render();
  assert.match(text, /^vmpulse_http_requests_total\{route="ingest",code="201"\} 1$/m);
  assert.match(text, /^vmpulse_http_requests_total\{route="other",code="404"\} 1$/m);
  assert.doesNotMatch(text, /stranger|999|not-a-route/);
  assert.match(text, /^vmpulse_http_request_duration_seconds_count\{route="other"\} 2$/m);
});

test('histogram buckets are cumulative with an inclusive bound', () => {
  const h = new Histogram([0.1, 1]);
  for (const v of [0.05, 0.1, 0.5, 7]) h.observe(v);
  assert.deepEqual(h.lines('x', ''), [
    'x_bucket{le="0.1"} 2',
    'x_bucket{le="1"} 3',
    'x_bucket{le="+Inf"} 4',
    'x_sum 7.65',
    'x_count 4',
  ]);
});

test('ingest counters, queue depth and database errors are rendered with HELP and TYPE', () => {
  const m = createMetrics([], { queueDepth: () => 12 });
  m.stored(5);
  m.committed(0.02);
  m.dbError('commit');
  m.dbError('made-up');
  const text = m.render();
  for (const line of [
    '# TYPE vmpulse_ingest_records_stored_total counter',
    'vmpulse_ingest_records_stored_total 5',
    'vmpulse_ingest_commit_duration_seconds_count 1',
    'vmpulse_db_errors_total{op="commit"} 1',
    'vmpulse_ingest_queue_depth 12',
  ]) {
    assert.ok(text.split('\n').includes(line), `${line} missing`);
  }
  assert.doesNotMatch(text, /made-up/);
});

test('json log lines parse and carry Cloud Logging severities', () => {
  const lines = [];
  const log = createLog('json', 'vmpulse-node-api', (line) => lines.push(line));
  log('a "quoted"\nmessage', 'WARNING');
  log('plain');
  const [first, second] = lines.map((line) => JSON.parse(line));
  assert.equal(first.severity, 'WARNING');
  assert.equal(first.component, 'vmpulse-node-api');
  assert.equal(first.message, 'a "quoted"\nmessage');
  assert.equal(second.severity, 'INFO');
  assert.ok(lines.every((line) => line.endsWith('}\n') && !line.slice(0, -1).includes('\n')));
  assert.throws(() => createLog('xml', 'x'), /unknown log format/);
});

test('the process series are there with plausible values, as the C++ services name them', () => {
  const text = createMetrics([]).render();
  const value = (name) => {
    const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    assert.ok(match, `no sample of ${name}`);
    return Number(match[1]);
  };
  assert.match(text, /^# TYPE process_cpu_seconds_total counter$/m);
  assert.ok(value('process_cpu_seconds_total') > 0);
  assert.ok(value('process_resident_memory_bytes') > 10 * 1024 * 1024); // a Node process
  assert.ok(value('process_virtual_memory_bytes') >= value('process_resident_memory_bytes'));
  assert.ok(value('process_open_fds') >= 3);
  assert.ok(value('process_max_fds') >= value('process_open_fds'));
  const now = Date.now() / 1000;
  assert.ok(value('process_start_time_seconds') <= now && value('process_start_time_seconds') > now - 3600);
  assert.ok(value('nodejs_heap_size_used_bytes') <= value('nodejs_heap_size_total_bytes'));
});

test('what cannot be read is NaN, and the scrape goes on', () => {
  const { processLines, virtualBytes, maxOpenFiles } = require('../src/process-metrics');
  const lines = processLines('/nonexistent-proc-dir');
  assert.ok(lines.includes('process_virtual_memory_bytes NaN'));
  assert.ok(lines.includes('process_open_fds NaN'));
  assert.ok(lines.includes('process_max_fds NaN'));
  assert.match(lines.join('\n'), /^process_resident_memory_bytes \d+$/m); // from Node itself
  assert.equal(virtualBytes('Name:\tnode\nVmPeak:\t  9 kB\nVmSize:\t  123456 kB\nVmRSS:\t 7 kB\n'), 123456 * 1024);
  assert.ok(Number.isNaN(virtualBytes('VmRSS:\t 7 kB\n')));
  const limits = 'Limit                     Soft Limit           Hard Limit           Units     \n';
  assert.equal(
    maxOpenFiles(`${limits}Max open files            10000                10000                files     \n`),
    10000,
  );
  assert.equal(
    maxOpenFiles(`${limits}Max open files            unlimited            unlimited            files     \n`),
    Infinity,
  );
  assert.ok(Number.isNaN(maxOpenFiles(limits)));
});
