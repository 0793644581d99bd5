'use strict';
// The route's log lines, in the C++ binaries' two formats (core/include/vmpulse/log.hpp):
// "text" for people, and "json" for log pipelines, one object a line with Cloud
// Logging's severity names:
//   {"time":"…Z","severity":"INFO","component":"vmpulse-node-api","message":"…"}
// Messages never carry a token or a password (the callers' rule; the test checks it).

const FORMATS = ['text', 'json'];
const SEVERITIES = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];

/**
 * @param {'text'|'json'} format
 * @param {string} component
 * @param {(line: string) => void} [write]
 * @returns {(message: string, severity?: string) => void}
 */
function createLog(format, component, write = (line) => process.stdout.write(line)) {
  if (!FORMATS.includes(format)) throw new Error(`unknown log format "${format}" (text or json)`);
  return function log(message, severity = 'INFO') {
    const level = SEVERITIES.includes(severity) ? severity : 'INFO';
    const time = new Date().toISOString();
    write(
      format === 'json'
        ? `${JSON.stringify({ time, severity: level, component, message: String(message) })}\n`
        : `${time} ${level.toLowerCase()} ${component}: ${message}\n`,
    );
  };
}

module.exports = { createLog, FORMATS };
