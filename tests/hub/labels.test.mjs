// VM labels through the hub (issue 15), with a private MariaDB: rows stored with
// etiquetas reach /api/vms, the fleet message and the snapshot's vms as each VM's newest
// labels ({} when none), /api/vms?label=key=value filters (repeatable, AND), and a
// malformed label parameter is a 400. Run by tests/suites/50-hub.sh.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, env, getJson, insertRecords, pool, sleep, v1Record } from './lib.mjs';

const MAIN = env('HUB_MAIN');
const db = pool();
const open = [];

after(async () => {
  for (const client of open) client.close();
  await db.end();
});

// A run-unique prefix, so that a rerun against the same database starts clean.
const tag = `lbl${Date.now().toString(36)}`;
const name = (n) => `${tag}-${n}`;
const labelled = (vm, etiquetas) => ({ ...v1Record(vm), ...(etiquetas ? { etiquetas } : {}) });

/** /api/vms (with `query`), only this file's VMs, as {vm: entry}. */
async function vms(query = '') {
  const answer = await getJson(MAIN, `/api/vms${query}`);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return Object.fromEntries(answer.body.vms.filter((e) => e.vm.startsWith(tag)).map((e) => [e.vm, e]));
}

async function until(check, what, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const got = await check();
    if (got) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('labels', () => {
  test('stored labels reach /api/vms, the fleet message and the snapshot', async () => {
    const watcher = await Client.open(MAIN, { path: `/ws?vm=${name('a')}` });
    open.push(watcher);
    await watcher.until((c) => c.ofType('snapshot').length > 0, 10000, 'a snapshot');
    await insertRecords(db, [
      labelled(name('a'), { env: 'prod', role: 'db' }),
      labelled(name('b'), { role: 'web', env: 'prod', note: 'a "quoted" \\ value' }),
      labelled(name('c')),
    ]);
    const all = await until(async () => {
      const got = await vms();
      return Object.keys(got).length === 3 ? got : null;
    }, 'the three VMs in /api/vms');
    assert.deepEqual(all[name('a')].etiquetas, { env: 'prod', role: 'db' });
    assert.deepEqual(all[name('b')].etiquetas, { role: 'web', env: 'prod', note: 'a "quoted" \\ value' });
    assert.deepEqual(all[name('c')].etiquetas, {});

    await watcher.until(
      (c) => c.ofType('fleet').some((f) => f.vms.some((v) => v.vm === name('a') && v.etiquetas?.role === 'db')),
      10000,
      'a fleet entry with the labels',
    );
    const fresh = await Client.open(MAIN, { path: `/ws?vm=${name('b')}` });
    open.push(fresh);
    await fresh.until((c) => c.ofType('snapshot').length > 0, 10000, 'a snapshot');
    const listed = fresh.ofType('snapshot')[0].vms.find((v) => v.vm === name('b'));
    assert.equal(listed.etiquetas.role, 'web');
    // The record itself carries them too.
    assert.equal(fresh.ofType('snapshot')[0].latest[name('b')].etiquetas.env, 'prod');
  });

  test('?label=key=value filters, repeated labels must all hold', async () => {
    assert.deepEqual(Object.keys(await vms('?label=env=prod')).sort(), [name('a'), name('b')]);
    assert.deepEqual(Object.keys(await vms('?label=env%3Dprod&label=role=db')), [name('a')]);
    assert.deepEqual(Object.keys(await vms('?label=role=db&label=env=dev')), []);
    assert.deepEqual(Object.keys(await vms(`?label=note=${encodeURIComponent('a "quoted" \\ value')}`)), [name('b')]);
    assert.deepEqual(Object.keys(await vms('?label=env=pro')), []);
  });

  test('a malformed label parameter is a 400 naming it', async () => {
    for (const query of [
      'label=env',
      'label==prod',
      'label=Env=prod',
      'label=env=',
      'label=env=%01',
      'label=a=1&label=a=2',
    ]) {
      const answer = await getJson(MAIN, `/api/vms?${query}`);
      assert.equal(answer.status, 400, query);
      assert.equal(answer.body.error, 'invalid_parameter', query);
      assert.match(answer.body.detail, /label/, query);
    }
  });

  test("a VM's newest row decides its labels", async () => {
    const later = (vm, etiquetas, seconds) => ({
      ...labelled(vm, etiquetas),
      hora: new Date(Date.now() + seconds * 1000).toISOString().slice(0, 19).replace('T', ' '),
    });
    await insertRecords(db, [later(name('a'), undefined, 5), later(name('c'), { env: 'dev' }, 5)]);
    const got = await until(async () => {
      const v = await vms();
      return v[name('c')].etiquetas.env === 'dev' ? v : null;
    }, 'the newer rows');
    assert.deepEqual(got[name('a')].etiquetas, {});
    assert.deepEqual(Object.keys(await vms('?label=env=dev')), [name('c')]);
  });
});
