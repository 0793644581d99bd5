'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { createCommitQueue, QueueFull } = require('../src/commit-queue');

/** A run() whose groups the test finishes by hand. */
function manualRun() {
  const groups = [];
  const run = (items) => new Promise((resolve, reject) => groups.push({ items, resolve, reject }));
  return { groups, run };
}
const rows = (n) => new Array(n).fill({});
const tick = () => new Promise((r) => setImmediate(r));

test('requests that arrive while a group runs share the next group', async () => {
  const { groups, run } = manualRun();
  const queue = createCommitQueue({ run, maxInFlight: 1 });
  const first = queue.submit(rows(1), 'a');
  const later = [queue.submit(rows(2)), queue.submit(rows(3), 'c')];
  await tick();
  assert.equal(groups.length, 1);
  assert.deepEqual(groups[0].items, [{ records: rows(1), key: 'a', bodySha256: undefined }]);
  groups[0].resolve([{ stored: 1, replayed: false }]);
  assert.deepEqual(await first, { stored: 1, replayed: false });
  await tick();
  assert.equal(groups.length, 2);
  assert.deepEqual(
    groups[1].items.map((i) => i.records.length),
    [2, 3],
  );
  groups[1].resolve([
    { stored: 2, replayed: false },
    { stored: 3, replayed: true },
  ]);
  assert.deepEqual(await Promise.all(later), [
    { stored: 2, replayed: false },
    { stored: 3, replayed: true },
  ]);
});

test('a failed group fails each of its requests, and the queue goes on', async () => {
  const { groups, run } = manualRun();
  const queue = createCommitQueue({ run, maxInFlight: 1 });
  const a = queue.submit(rows(1));
  await tick();
  const b = queue.submit(rows(1));
  groups[0].reject(new Error('connection lost'));
  await assert.rejects(a, /connection lost/);
  await tick();
  groups[1].resolve([{ stored: 1, replayed: false }]);
  assert.deepEqual(await b, { stored: 1, replayed: false });
});

test('groups hold at most maxGroupRows, but a larger request still runs alone', async () => {
  const { groups, run } = manualRun();
  const queue = createCommitQueue({ run, maxInFlight: 1, maxGroupRows: 5 });
  queue.submit(rows(9));
  queue.submit(rows(3));
  queue.submit(rows(2));
  queue.submit(rows(1));
  await tick();
  groups[0].resolve([{}]);
  await tick();
  assert.deepEqual(
    groups.map((g) => g.items.map((i) => i.records.length)),
    [[9], [3, 2]],
  );
});

test('maxInFlight groups run at once', async () => {
  const { groups, run } = manualRun();
  const queue = createCommitQueue({ run, maxInFlight: 2 });
  queue.submit(rows(1));
  queue.submit(rows(1));
  queue.submit(rows(1));
  await tick();
  assert.equal(groups.length, 2);
  assert.equal(queue.stats().waiting, 1);
});

test('past maxQueuedRows a request is refused at once', async () => {
  const { run } = manualRun();
  const queue = createCommitQueue({ run, maxInFlight: 1, maxQueuedRows: 10 });
  queue.submit(rows(1)); // running, no longer waiting
  queue.submit(rows(6));
  assert.throws(() => queue.submit(rows(5)), QueueFull);
  queue.submit(rows(4));
});
