'use strict';
// The routes under test, from the environment the harness (tests/suites/40-contract.sh)
// sets: CONTRACT_<NAME>_URL when the route runs, CONTRACT_<NAME>_PROBLEM when it could
// not be started (its cases then fail, saying why; they are never skipped).
const TARGETS = [
  { name: 'cpp', ownPath: '/api/cpp/metrics', otherPath: '/api/nodejs/metrics' },
  { name: 'nodejs', ownPath: '/api/nodejs/metrics', otherPath: '/api/cpp/metrics' },
];

function targets(env = process.env) {
  const only = env.CONTRACT_TARGETS ? env.CONTRACT_TARGETS.split(',') : null;
  return TARGETS.filter((t) => !only || only.includes(t.name)).map((t) => {
    const key = t.name.toUpperCase();
    return {
      ...t,
      url: env[`CONTRACT_${key}_URL`] || '',
      problem: env[`CONTRACT_${key}_PROBLEM`] || (env[`CONTRACT_${key}_URL`] ? '' : `CONTRACT_${key}_URL is not set`),
    };
  });
}

function pathFor(target, which = 'own') {
  return { own: target.ownPath, other: target.otherPath, split: '/api/metrics', bare: '/metrics' }[which] ?? which;
}

module.exports = { targets, pathFor };
