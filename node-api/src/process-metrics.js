'use strict';
// The process's own standard series, under the names every Prometheus client library
// gives them (the api and the hub export the same: core/src/process_metrics.cpp), and
// Node's heap under prom-client's names, so that dashboards and alerts written for any
// exporter work on node-api too. Read at each scrape; a value that cannot be read is
// NaN (a gap in Prometheus) instead of a failed scrape.
const fs = require('node:fs');

// When the process started, in Unix seconds.
const STARTED = Date.now() / 1000 - process.uptime();

/** VmSize of /proc/<pid>/status's text, in bytes; NaN when it is not there. */
function virtualBytes(statusText) {
  const match = /^VmSize:\s+(\d+) kB$/m.exec(statusText);
  return match ? Number(match[1]) * 1024 : NaN;
}

/** The soft limit of "Max open files" in /proc/<pid>/limits' text; Infinity for unlimited. */
function maxOpenFiles(limitsText) {
  const match = /^Max open files\s+(\d+|unlimited)\s/m.exec(limitsText);
  if (!match) return NaN;
  return match[1] === 'unlimited' ? Infinity : Number(match[1]);
}

function readOr(read, fallback) {
  try {
    return read();
  } catch {
    return fallback;
  }
}

function sample(value) {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  return String(value);
}

/** The exposition lines of the process series; `procSelf` is the process's /proc directory. */
function processLines(procSelf = '/proc/self') {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  const series = [
    [
      'process_cpu_seconds_total',
      'counter',
      'Total user and system CPU time spent in seconds.',
      (cpu.user + cpu.system) / 1e6,
    ],
    ['process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', memory.rss],
    [
      'process_virtual_memory_bytes',
      'gauge',
      'Virtual memory size in bytes.',
      readOr(() => virtualBytes(fs.readFileSync(`${procSelf}/status`, 'utf8')), NaN),
    ],
    [
      'process_open_fds',
      'gauge',
      'Number of open file descriptors.',
      readOr(() => fs.readdirSync(`${procSelf}/fd`).length, NaN),
    ],
    [
      'process_max_fds',
      'gauge',
      'Maximum number of open file descriptors.',
      readOr(() => maxOpenFiles(fs.readFileSync(`${procSelf}/limits`, 'utf8')), NaN),
    ],
    ['process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.', STARTED],
    ['nodejs_heap_size_total_bytes', 'gauge', 'Process heap size from Node.js in bytes.', memory.heapTotal],
    ['nodejs_heap_size_used_bytes', 'gauge', 'Process heap size used from Node.js in bytes.', memory.heapUsed],
    ['nodejs_external_memory_bytes', 'gauge', 'Node.js external memory size in bytes.', memory.external],
  ];
  return series.flatMap(([name, type, help, value]) => [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} ${type}`,
    `${name} ${sample(value)}`,
  ]);
}

module.exports = { processLines, virtualBytes, maxOpenFiles };
