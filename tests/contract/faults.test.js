'use strict';
// "Nothing answered 201 is ever lost, nothing is stored twice", under faults: clients
// post batches with an Idempotency-Key each and retry 503s and broken connections with
// the same key while (1) the database is stopped and started again, (2) each route is
// killed with SIGKILL and started again. Afterwards every request answered 201 has its
// rows exactly once. Run after contract.test.js by tests/suites/40-contract.sh
// (CONTRACT_DB_STOP / CONTRACT_DB_START, CONTRACT_<NAME>_PID / _ARGV, CONTRACT_WORK).
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { execFile, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { promisify } = require('node:util');
const { send } = require('./lib/http');
const { connectDb } = require('./lib/db');
const { BASE } = require('./lib/cases');
const { targets } = require('./lib/targets');

const run = promisify(execFile);
const TOKEN = process.env.VMPULSE_TOKEN;
const CLIENTS = 6;
const LOAD_MS = 8000;
const GIVE_UP_MS = 30_000; // after the load: time for retries to get through
const RECORDS_PER_REQUEST = 5;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const runId = crypto.randomBytes(3).toString('hex');

/** One client: posts until `stopAt`, each request retried with its key until it gets a 201. */
async function client(target, id, stopAt, outcome, tag) {
  for (let seq = 0; Date.now() < stopAt; seq++) {
    const vm = `${tag}-${id}-${seq}`;
    const key = `${vm}-${crypto.randomUUID()}`;
    const body = JSON.stringify(new Array(RECORDS_PER_REQUEST).fill({ ...BASE, vm }));
    const giveUpAt = Date.now() + GIVE_UP_MS;
    for (;;) {
      let answer;
      try {
        answer = await send(target.url, {
          path: target.ownPath,
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'idempotency-key': key },
          body,
        });
      } catch (err) {
        outcome.networkErrors++;
        answer = { status: 0, text: err.message };
      }
      if (answer.status === 201) {
        outcome.answered.set(vm, answer.json.stored);
        if (answer.json.replayed) outcome.replays++;
        break;
      }
      if (answer.status !== 503 && answer.status !== 0) {
        outcome.unexpected.push(`${answer.status} ${answer.text.slice(0, 200)}`);
        break;
      }
      if (answer.status === 503) outcome.unavailable++;
      if (Date.now() > giveUpAt) {
        outcome.gaveUp.push(vm);
        break;
      }
      await sleep(100);
    }
  }
}

const newOutcome = () => ({
  answered: new Map(),
  unexpected: [],
  gaveUp: [],
  unavailable: 0,
  networkErrors: 0,
  replays: 0,
});

/** Starts load on each live target; resolves when every client is done. */
function startLoad(live, outcomes, tagOf) {
  const stopAt = Date.now() + LOAD_MS;
  const load = [];
  for (const target of live) {
    outcomes[target.name] = newOutcome();
    for (let i = 0; i < CLIENTS; i++) load.push(client(target, i, stopAt, outcomes[target.name], tagOf(target)));
  }
  return Promise.all(load);
}

/** Every request answered 201 has its rows exactly once, and nothing else is stored. */
async function assertExactlyOnce(db, target, outcome, tag) {
  const rows = (await db.rowsAfter(0)).filter((r) => r.vm.startsWith(`${tag}-`));
  const stored = new Map();
  for (const r of rows) stored.set(r.vm, (stored.get(r.vm) ?? 0) + 1);
  assert.deepEqual(outcome.unexpected, [], 'answers other than 201 and 503');
  assert.deepEqual(outcome.gaveUp, [], 'requests that never got a 201 within the retry time');
  assert.ok(outcome.answered.size > 0, 'some requests were answered');
  for (const [vm, n] of outcome.answered) assert.equal(stored.get(vm), n, `rows of ${vm}`);
  assert.equal(
    rows.length,
    [...outcome.answered.values()].reduce((a, b) => a + b, 0),
    'no rows beyond those answered 201',
  );
  assert.ok(outcome.unavailable + outcome.networkErrors > 0, 'the fault was seen (503 or refused connections)');
  // Stated, not asserted: how the fault looked from the clients.
  const o = outcome;
  console.log(
    `${target.name}: ${o.answered.size} requests stored, ${o.unavailable} answers 503, ${o.networkErrors} network errors, ${o.replays} replays`,
  );
}

const notRunning = (target) => assert.fail(`the ${target.name} route is not running: ${target.problem}`);

describe(
  'database outage under load',
  { skip: !(process.env.CONTRACT_DB_STOP && process.env.CONTRACT_DB_START) && 'CONTRACT_DB_STOP/START not set' },
  () => {
    const outcomes = {};
    const tagOf = (target) => `f-${runId}-db-${target.name}`;
    let db;

    before(async () => {
      const load = startLoad(
        targets().filter((t) => !t.problem),
        outcomes,
        tagOf,
      );
      await sleep(LOAD_MS / 4);
      await run('bash', ['-c', process.env.CONTRACT_DB_STOP], { timeout: 60_000 });
      await sleep(LOAD_MS / 4);
      await run('bash', ['-c', process.env.CONTRACT_DB_START], { timeout: 90_000 });
      await load;
      db = await connectDb();
    });
    after(() => db?.close());

    for (const target of targets()) {
      it(`${target.name}: every request answered 201 is stored exactly once`, async () => {
        if (target.problem) notRunning(target);
        await assertExactlyOnce(db, target, outcomes[target.name], tagOf(target));
      });
    }
  },
);

/** Waits until the route answers /livez (it was just started). */
async function waitLive(target, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if ((await send(target.url, { method: 'GET', path: '/livez' })).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) assert.fail(`${target.name} did not answer /livez within ${ms} ms of its restart`);
    await sleep(100);
  }
}

describe(
  'route killed (SIGKILL) under load and started again',
  { skip: !process.env.CONTRACT_WORK && 'CONTRACT_WORK not set' },
  () => {
    const outcomes = {};
    const tagOf = (target) => `f-${runId}-kill-${target.name}`;
    const live = targets().filter((t) => !t.problem && process.env[`CONTRACT_${t.name.toUpperCase()}_PID`]);
    const restartProblems = {};
    let db;

    before(async () => {
      const load = startLoad(live, outcomes, tagOf);
      await sleep(LOAD_MS / 3);
      await Promise.all(
        live.map(async (target) => {
          const key = target.name.toUpperCase();
          process.kill(Number(process.env[`CONTRACT_${key}_PID`]), 'SIGKILL');
          const [command, ...args] = JSON.parse(process.env[`CONTRACT_${key}_ARGV`]);
          const logFile = fs.openSync(path.join(process.env.CONTRACT_WORK, `${target.name}-restarted.log`), 'a');
          await sleep(300); // the port is free once the killed process is gone
          const child = spawn(command, args, { stdio: ['ignore', logFile, logFile], env: process.env });
          // The harness stops what is listed here, even if this process dies first.
          fs.appendFileSync(path.join(process.env.CONTRACT_WORK, 'pids'), `${child.pid}\n`);
          child.unref(); // it outlives this test process; the harness stops it
          try {
            await waitLive(target);
          } catch (err) {
            restartProblems[target.name] = err.message;
          }
        }),
      );
      await load;
      db = await connectDb();
    });
    after(() => db?.close());

    for (const target of targets()) {
      it(`${target.name}: every request answered 201 is stored exactly once`, async () => {
        if (target.problem) notRunning(target);
        assert.equal(restartProblems[target.name], undefined, 'restarted');
        await assertExactlyOnce(db, target, outcomes[target.name], tagOf(target));
      });
    }
  },
);
