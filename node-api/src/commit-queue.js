'use strict';
// Group commit: requests that arrive while a transaction is running wait and then share
// the next one. Every commit costs the database a log flush (durable commits), and the
// per-route count row is locked until commit, so one transaction per request caps a
// route at one request per flush; one per group lifts that without weakening anything:
// each request still gets its 201 only after the commit that holds its rows.
// Pure logic, no database: the transaction is the `run` function given.

class QueueFull extends Error {}

/**
 * @param {object} options
 * @param {(items: {records: object[], key?: string, bodySha256?: string}[]) => Promise<object[]>} options.run
 *        commits one group; resolves with one result per item, in order, or rejects (every item fails)
 * @param {number} [options.maxInFlight]   groups running at once (the next one prepares while one commits)
 * @param {number} [options.maxGroupRows]  records in one group (a larger single request runs alone)
 * @param {number} [options.maxQueuedRows] records waiting; past that submit() throws QueueFull at once
 */
function createCommitQueue({ run, maxInFlight = 2, maxGroupRows = 5000, maxQueuedRows = 20000 }) {
  const waiting = [];
  let waitingRows = 0;
  let inFlight = 0;

  function pump() {
    while (inFlight < maxInFlight && waiting.length > 0) {
      const group = [waiting.shift()];
      let rows = group[0].records.length;
      while (waiting.length > 0 && rows + waiting[0].records.length <= maxGroupRows) {
        rows += waiting[0].records.length;
        group.push(waiting.shift());
      }
      waitingRows -= rows;
      inFlight++;
      runGroup(group).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  async function runGroup(group) {
    try {
      const results = await run(group.map(({ records, key, bodySha256 }) => ({ records, key, bodySha256 })));
      group.forEach((item, i) => item.resolve(results[i]));
    } catch (err) {
      for (const item of group) item.reject(err);
    }
  }

  /** Resolves with the item's result once its group has committed. */
  function submit(records, key, bodySha256) {
    if (waitingRows + records.length > maxQueuedRows) {
      throw new QueueFull(`${waitingRows} records already wait for the database`);
    }
    return new Promise((resolve, reject) => {
      waiting.push({ records, key, bodySha256, resolve, reject });
      waitingRows += records.length;
      pump();
    });
  }

  return { submit, stats: () => ({ waiting: waiting.length, waitingRows, inFlight }) };
}

module.exports = { createCommitQueue, QueueFull };
